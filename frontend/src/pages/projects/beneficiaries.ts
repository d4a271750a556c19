// The optional beneficiary list of a progress report (docs/oversight.md): the rows of the form as
// the mutation's input. The server keeps only a keyed hash of each person.

export type BeneficiaryRow = { name?: string; idNumber?: string; phone?: string };
export type BeneficiaryInputRow = { name: string; idNumber: string | null; phone: string | null };

/** The rows someone filled in, trimmed; rows without any text are left out. */
export function beneficiaryInput(rows: BeneficiaryRow[] | undefined): BeneficiaryInputRow[] {
  return (rows ?? [])
    .map((r) => ({ name: (r.name ?? '').trim(), idNumber: (r.idNumber ?? '').trim() || null, phone: (r.phone ?? '').trim() || null }))
    .filter((r) => r.name || r.idNumber || r.phone);
}
