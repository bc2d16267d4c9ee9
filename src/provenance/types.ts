/**
 * The values the provenance library hands back. Every finding says where in the file it
 * was found; every problem has a stable code (tests assert codes, not wording).
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  /** Where in the file (a human-readable path such as `PNG iTXt "XML:com.adobe.xmp" › XMP TC260:AIGC`). */
  location?: string;
  field?: string;
}

export type TraceKind = 'gb45438' | 'c2pa' | 'iptc' | 'sd-parameters' | 'comfyui' | 'exif' | 'text-marker';

/** What a trace says about AI involvement: `yes` (declared AI), `possible` (a hint), `no` (declares a non-AI source). */
export type AiSignal = 'yes' | 'possible' | 'no';

export interface TraceBase {
  kind: TraceKind;
  location: string;
  ai: AiSignal;
  summary: string;
  problems: Problem[];
}

export interface Gb45438Fields {
  Label: string;
  ContentProducer: string;
  ProduceID: string;
  ReservedCode1: string;
  ContentPropagator: string;
  PropagateID: string;
  ReservedCode2: string;
}

export interface Gb45438Trace extends TraceBase {
  kind: 'gb45438';
  /** The raw value found (cut for the report). */
  raw: string;
  /** The parsed fields, when the value was JSON with an object at the top. */
  fields: Partial<Record<string, unknown>> | null;
  /** True when the label passes every check (`problems` has no error). */
  valid: boolean;
  /** `1` AI-generated, `2` possibly, `3` suspected (GB 45438-2025 implicit label). */
  labelValue: string | null;
}

export interface C2paAction {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: string;
  when?: string;
}

export interface C2paTrace extends TraceBase {
  kind: 'c2pa';
  manifestLabel?: string;
  claimGenerator?: string;
  title?: string;
  format?: string;
  actions: C2paAction[];
  digitalSourceTypes: string[];
  ingredients: { title?: string; relationship?: string; format?: string }[];
  manifests: number;
  signature: {
    /** `valid`: the claim signature verifies and the content hashes match; `invalid`: something failed; `unchecked`: we could not check. */
    status: 'valid' | 'invalid' | 'unchecked';
    /** Whether the signer chains to a trust anchor we were given (none by default: then `false`). */
    trusted: boolean;
    issuer?: string;
    subject?: string;
    codes: { code: string; success: boolean; explanation?: string; url?: string }[];
  };
}

export interface IptcTrace extends TraceBase {
  kind: 'iptc';
  digitalSourceType: string;
  /** The short code after the IPTC vocabulary URI (`trainedAlgorithmicMedia`, …). */
  code: string;
  aiSystem?: string;
  prompt?: string;
}

export interface SdTrace extends TraceBase {
  kind: 'sd-parameters';
  prompt: string;
  negativePrompt?: string;
  parameters: Record<string, string>;
}

export interface ComfyTrace extends TraceBase {
  kind: 'comfyui';
  chunk: 'prompt' | 'workflow';
  nodeTypes: string[];
  prompts: string[];
}

export interface ExifTrace extends TraceBase {
  kind: 'exif';
  tag: string;
  value: string;
  generator?: string;
}

export interface TextMarkerTrace extends TraceBase {
  kind: 'text-marker';
  marker: string;
  position: 'start' | 'end' | 'middle';
  offset: number;
}

export type Trace = Gb45438Trace | C2paTrace | IptcTrace | SdTrace | ComfyTrace | ExifTrace | TextMarkerTrace;

export interface TextVerdict {
  detector: string;
  /** In [0, 1]; higher means more likely AI-generated. Indicative evidence, never a decision. */
  score: number;
  language: 'zh' | 'en' | 'other';
  /** How many characters of text the score rests on. */
  chars: number;
  /** The threshold that gave 1 % false positives on the tuning split; scores above it are flagged. */
  threshold?: number;
  flagged?: boolean;
  note?: string;
  features?: Record<string, number>;
}

export interface InspectReport {
  format: string;
  mediaType: string;
  size: number;
  labels: Trace[];
  problems: Problem[];
  /** Present whenever the file holds text we could extract. */
  text?: TextVerdict;
  summary: {
    /** At least one trace declares AI generation (`yes`). */
    aiDeclared: boolean;
    /** Some trace hints at AI (`possible`). */
    aiHinted: boolean;
    /** Traces disagree (e.g. a GB 45438 label says AI, IPTC says digital capture). */
    conflicting: boolean;
    /** Always said: no label is no proof of human authorship. */
    caveat: string;
  };
}

export const ABSENCE_CAVEAT = 'Absence of AI labels proves nothing: labels are easily stripped, and most tools write none. / 未发现标识不代表内容由人创作：标识很容易被删除，多数工具也不写标识。';
