/** The same two routes in NestJS with @nestjs/cqrs on the Fastify adapter: what a team would otherwise pick. */
import 'reflect-metadata';
import {
  Controller,
  DefaultValuePipe,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  ParseBoolPipe,
  ParseIntPipe,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';

interface Row {
  id: number;
  name: string;
  email: string;
  active: number;
}
const toDto = (row: Row) => ({ id: row.id, name: row.name, email: row.email, active: row.active === 1 });

@Injectable()
class Db {
  readonly raw = new Database(process.env.SLICEWISE_DB as string);
  readonly byId = this.raw.prepare('SELECT id, name, email, active FROM users WHERE id = ?');
  readonly page = this.raw.prepare('SELECT id, name, email, active FROM users WHERE id > ? ORDER BY id LIMIT ?');
  readonly pageWhere = this.raw.prepare(
    'SELECT id, name, email, active FROM users WHERE active = ? AND id > ? ORDER BY id LIMIT ?',
  );
}

class ListUsersQuery {
  constructor(
    readonly active: boolean | undefined,
    readonly limit: number,
    readonly after: number,
  ) {}
}
class GetUserQuery {
  constructor(readonly id: number) {}
}

@QueryHandler(ListUsersQuery)
class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(private readonly db: Db) {}
  async execute({ active, limit, after }: ListUsersQuery) {
    const rows = (
      active === undefined ? this.db.page.all(after, limit) : this.db.pageWhere.all(active ? 1 : 0, after, limit)
    ) as Row[];
    return rows.map(toDto);
  }
}

@QueryHandler(GetUserQuery)
class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly db: Db) {}
  async execute({ id }: GetUserQuery) {
    const row = this.db.byId.get(id) as Row | undefined;
    if (!row) throw new NotFoundException(`User ${id} does not exist`);
    return toDto(row);
  }
}

@Controller('users')
class UsersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  list(
    @Query('active', new ParseBoolPipe({ optional: true })) active: boolean | undefined,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
    @Query('after', new DefaultValuePipe(0), ParseIntPipe) after: number,
  ) {
    return this.queryBus.execute(new ListUsersQuery(active, Math.min(Math.max(limit, 1), 100), Math.max(after, 0)));
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number) {
    return this.queryBus.execute(new GetUserQuery(id));
  }
}

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [UsersController],
  providers: [Db, ListUsersHandler, GetUserHandler],
})
class AppModule {}

async function main() {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.stdout.write(`listening at ${await app.getUrl()}\n`);
}
main();
