import type { MediaTool } from '../media-tool.js';

/**
 * The GB 45438 label as the Vorbis comment `AIGC=` of every audio stream of an Ogg file
 * (Vorbis, Opus, FLAC-in-Ogg). A longer comment header can spill onto more pages and
 * renumbers every page after it, so the file is remuxed by ffmpeg (packets copied, no
 * re-encoding) rather than patched in place.
 */
export function writeOgg(b: Uint8Array, value: string, tool: MediaTool): Promise<Buffer> {
  return tool.run({
    inputs: [{ name: 'in.ogg', bytes: b }],
    output: 'out.ogg',
    args: (file) => ['-i', file('in.ogg'), '-map', '0', '-c', 'copy', '-map_metadata', '0', '-metadata:s:a', `AIGC=${value}`, file('out.ogg')],
  });
}
