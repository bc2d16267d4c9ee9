/**
 * What the explicit video label and the compressed-audio cue need from the outside world:
 * an ffmpeg to decode and re-encode. The provenance library stays free of processes and
 * files; src/repositories/ffmpeg.tool.ts is the implementation the CLI and the service use.
 */
export interface MediaJob {
  /** Written to a private temporary directory under these names (the extension guides ffmpeg). */
  inputs: { name: string; bytes: Uint8Array }[];
  /** The ffmpeg arguments; `file(name)` is the path of an input or of the output. */
  args: (file: (name: string) => string) => string[];
  /** Name of the file ffmpeg writes, whose bytes are returned. */
  output: string;
}

export interface MediaTool {
  /** ffmpeg's own description of a file (`ffmpeg -i`: container, streams, duration). */
  probe(bytes: Uint8Array, name: string): Promise<string>;
  run(job: MediaJob): Promise<Buffer>;
}

/** Why re-encoding failed; `tool_missing` and `timeout` are the host's problem, `unreadable` the file's. */
export class MediaToolError extends Error {
  constructor(
    readonly reason: 'tool_missing' | 'timeout' | 'unreadable' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'MediaToolError';
  }
}
