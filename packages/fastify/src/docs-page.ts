import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * Mounts the interactive docs at `/docs`: Swagger UI (`@fastify/swagger-ui`), its assets served from the package
 * itself (no CDN: works offline), reading the document `@fastify/swagger` builds. Its content security policy
 * allows only this origin, (the UI has no inline script or style).
 */
export async function mountDocsPage(app: FastifyInstance): Promise<void> {
  const policy = [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'self'",
    "script-src 'self'",
    "style-src 'self'",
  ].join('; ');
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: policy,
    uiConfig: { validatorUrl: null, tryItOutEnabled: true, displayOperationId: true },
  });
}
