import { describe, expect, it } from 'vitest';
import { bytesToBase64, evidenceContentType, evidenceProblem, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES } from './evidence';

const file = (name: string, size = 100, type = '') => ({ name, size, type });

describe('evidence files of a progress report', () => {
  it('accepts PDF, JPEG, PNG, DOCX and XLSX files up to 10 MB', () => {
    expect(
      evidenceProblem([file('照片.JPG'), file('a.pdf', MAX_EVIDENCE_BYTES), file('b.docx'), file('c.xlsx'), file('d.png')]),
    ).toBeNull();
  });

  it('refuses other types, naming the file', () => {
    expect(evidenceProblem([file('a.pdf'), file('run.exe')])).toEqual({ kind: 'type', name: 'run.exe' });
  });

  it('refuses a file over 10 MB and an empty file', () => {
    expect(evidenceProblem([file('big.pdf', MAX_EVIDENCE_BYTES + 1)])).toEqual({ kind: 'tooLarge', name: 'big.pdf' });
    expect(evidenceProblem([file('empty.pdf', 0)])).toEqual({ kind: 'empty', name: 'empty.pdf' });
  });

  it('refuses files that together exceed 32 MB (the request would be over the server limit)', () => {
    const four = Array.from({ length: 4 }, (_, i) => file(`${i}.pdf`, MAX_EVIDENCE_BYTES));
    expect(evidenceProblem(four)).toEqual({ kind: 'totalTooLarge' });
    expect(evidenceProblem(four.slice(0, 3))).toBeNull();
  });

  it('refuses more than 10 files', () => {
    expect(evidenceProblem(Array.from({ length: MAX_EVIDENCE_FILES + 1 }, (_, i) => file(`${i}.pdf`)))).toEqual({ kind: 'tooMany' });
  });

  it('sends the type by extension when the browser does not know it', () => {
    expect(evidenceContentType(file('表.xlsx'))).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(evidenceContentType(file('scan.jpeg', 1, 'image/jpeg'))).toBe('image/jpeg');
  });

  it('encodes large files in base64 without overflowing the call stack', () => {
    const bytes = new Uint8Array(200_000).map((_, i) => i % 256);
    expect(atob(bytesToBase64(bytes)).length).toBe(200_000);
    expect(bytesToBase64(new TextEncoder().encode('证明'))).toBe('6K+B5piO');
  });
});
