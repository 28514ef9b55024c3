/** How a {@link Database} opens its file. Every field has a safe default. */
export interface DatabaseOptions {
  /** Milliseconds a statement waits for another connection's lock before failing. Default 5000. */
  busyTimeout?: number;
  /** Enforce foreign keys. Default true. */
  foreignKeys?: boolean;
  /** Write-ahead logging for files (ignored in memory). Default true. */
  wal?: boolean;
  /** `PRAGMA synchronous`. Default `NORMAL`, durable with WAL. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /**
   * Who copies the write-ahead log into the file (a checkpoint, with its fsyncs). `auto` (default): SQLite, inside
   * the commit that grows the log past 1000 pages, on the writing thread. `background`: a worker thread with its own
   * connection, every {@link checkpointIntervalMs} when the file changed (PASSIVE: it never blocks a reader or a
   * writer), so a commit of this connection checkpoints only past {@link checkpointBackstopPages}; stopped by
   * `close()`. For a server whose event loop must not stall. Ignored in memory, read-only or without WAL.
   */
  checkpoint?: 'auto' | 'background';
  /** With `checkpoint: 'background'`, milliseconds between two looks at the file. Default 200. */
  checkpointIntervalMs?: number;
  /**
   * With `checkpoint: 'background'`, the log size in pages past which a commit of this connection checkpoints after
   * all (its automatic checkpoint). The log starts over only after a checkpoint that caught up with the last commit;
   * under writes that never pause the worker never does, and this bounds the log. Default 10000 (about 40 MB).
   */
  checkpointBackstopPages?: number;
  /** Open read-only. Default false. */
  readonly?: boolean;
  /** Called with the SQL (values expanded) of every statement this connection runs. Costs nothing when unset. */
  tracer?: (sql: string) => void;
  /** Most prepared statements kept by {@link Database.prepare}. Default 500. */
  statementCacheSize?: number;
  /**
   * Most memory, in KiB, this connection's page cache holds (`PRAGMA cache_size = -N`). Default: SQLite's build
   * default, 16 MiB in better-sqlite3. A short-lived process writing a large file (a CLI import) can keep its
   * peak memory down with less, at little cost in speed.
   */
  pageCacheKiB?: number;
  /**
   * Read integers as `bigint`, exact beyond 2^53 (default false: numbers, rounded past
   * `Number.MAX_SAFE_INTEGER`). Also per query (`query(sql, params, { safeIntegers })`) and per table handle
   * (`db.table(name, { safeIntegers })`).
   */
  safeIntegers?: boolean;
}

/** How a statement reads: `pluck` returns the first column only; `safeIntegers` reads integers as bigint. */
export interface PrepareOptions {
  pluck?: boolean;
  safeIntegers?: boolean;
}

/** Options of {@link Database.table}. */
export interface TableOptions {
  /** Reads through this handle return integers as `bigint` (or, with `false`, as numbers whatever the database says). */
  safeIntegers?: boolean;
}
