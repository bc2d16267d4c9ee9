#!/usr/bin/env node
// Process-wide settings first, then the rest: static imports are all parsed before any of
// them runs, and V8's young generation grows while they are, so the commands are loaded only
// once the heap flags of v8-heap.ts are set.
import './threadpool.js';
import './v8-heap.js';

await import('./program.js');
