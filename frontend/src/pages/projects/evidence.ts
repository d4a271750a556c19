// Evidence files of a progress report: the server's limits, checked before upload, and base64.
// The server decides the type by the file's bytes; these checks only spare a wasted upload.

export const MAX_EVIDENCE_FILES = 10;
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** All files of one report together: base64 in a JSON body the server caps at 48 MB. */
export const MAX_EVIDENCE_TOTAL_BYTES = 32 * 1024 * 1024;

/** Allowed types by extension (the server accepts these five, content matching the type). */
export const EVIDENCE_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** For the file picker's `accept`. */
export const EVIDENCE_ACCEPT = Object.keys(EVIDENCE_TYPES)
  .map((ext) => `.${ext}`)
  .join(',');

export interface EvidenceLike {
  name: string;
  size: number;
  type?: string;
}

/** The content type to send: the browser's, when it is an allowed one, else by extension. */
export function evidenceContentType(file: EvidenceLike): string | null {
  const allowed = new Set(Object.values(EVIDENCE_TYPES));
  if (file.type && allowed.has(file.type)) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return EVIDENCE_TYPES[ext] ?? null;
}

export type EvidenceProblem =
  | { kind: 'tooMany' }
  | { kind: 'totalTooLarge' }
  | { kind: 'tooLarge'; name: string }
  | { kind: 'empty'; name: string }
  | { kind: 'type'; name: string };

/** The first problem with the chosen files, or null. */
export function evidenceProblem(files: EvidenceLike[]): EvidenceProblem | null {
  if (files.length > MAX_EVIDENCE_FILES) return { kind: 'tooMany' };
  for (const f of files) {
    if (evidenceContentType(f) === null) return { kind: 'type', name: f.name };
    if (f.size === 0) return { kind: 'empty', name: f.name };
    if (f.size > MAX_EVIDENCE_BYTES) return { kind: 'tooLarge', name: f.name };
  }
  if (files.reduce((sum, f) => sum + f.size, 0) > MAX_EVIDENCE_TOTAL_BYTES) return { kind: 'totalTooLarge' };
  return null;
}

/** Base64 of the bytes (in chunks: a 10 MB file would overflow one `String.fromCharCode` call). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export async function toEvidenceInput(file: File): Promise<{ filename: string; contentType: string; contentBase64: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { filename: file.name, contentType: evidenceContentType(file) ?? file.type, contentBase64: bytesToBase64(bytes) };
}
