// Imported first by the CLI. Every upload is written, fsynced and renamed on libuv's thread
// pool; with the default 4 threads, a few slow fsyncs stall every other upload. The pool
// is created on first use, so the size must be set before any file I/O happens.
process.env.UV_THREADPOOL_SIZE ??= '16';
export {};
