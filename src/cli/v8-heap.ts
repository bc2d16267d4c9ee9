import { setFlagsFromString } from 'node:v8';

// Imported first by the CLI. V8 lets its young generation grow to 2 × 16 MB, and the
// Buffers of a streamed upload (socket reads, multipart slices; ~64 KB each, dead within
// a tick) are only freed when that space is scavenged: a 2 GiB upload kept 20–35 MB of dead
// Buffers and ~25 MB of extra heap resident. Keeping the semi-space at its 1 MB start size
// scavenges more often (each scavenge is cheaper) and keeps the server under ~125 MB while
// it receives a 2 GiB file (docs/benchmarks.md). The growth factor is read each time V8
// considers growing the space, so setting it at start-up, after the heap exists, still works
// (unlike --max-semi-space-size). CWS_V8_FLAGS replaces these flags; empty keeps V8's own.
// Only the server (`cws start`) receives uploads; batch commands such as `cws audit`, which
// allocate a Buffer per stored row, would only pay for the extra scavenges (and their
// worker threads share the process's flags).
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const flags = process.env.CWS_V8_FLAGS ?? (command === 'start' ? '--semi-space-growth-factor=1' : '');
if (flags.trim()) setFlagsFromString(flags);
export {};
