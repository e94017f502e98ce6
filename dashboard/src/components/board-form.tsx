import { useState } from 'preact/hooks';
import { BOARD_LIMITS, type BoardInfo, type BoardKind } from '../../../src/protocol.ts';
import type { BoardInput } from '../api.ts';
import { KIND_LABELS } from '../format.ts';

interface Values {
  vendor: string;
  model: string;
  kind: BoardKind | '';
  chipType: string;
  chipCount: string;
  notes: string;
  tags: string;
  textPattern: string;
}

type Errors = Partial<Record<keyof Values, string>>;

/** A board as the form edits it: the label pattern is not part of the live BoardInfo. */
type Editable = BoardInfo & { textPattern?: string | null };

function validPattern(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

function valuesOf(b?: Editable): Values {
  return {
    vendor: b?.vendor ?? '',
    model: b?.model ?? '',
    kind: b?.kind ?? '',
    chipType: b?.chipType ?? '',
    chipCount: b?.chipCount === null || b?.chipCount === undefined ? '' : String(b.chipCount),
    notes: b?.notes ?? '',
    tags: b?.tags.join(', ') ?? '',
    textPattern: b?.textPattern ?? '',
  };
}

const L = BOARD_LIMITS;
const atMost = (n: number) => `At most ${n} characters.`;

/** The daemon's limits (protocol.ts), checked before sending so mistakes show by the field. */
function check(v: Values): { input: BoardInput | null; errors: Errors } {
  const errors: Errors = {};
  const vendor = v.vendor.trim();
  const model = v.model.trim();
  if (!vendor) errors.vendor = 'Enter the vendor, e.g. Bitmain.';
  else if (vendor.length > L.vendor) errors.vendor = atMost(L.vendor);
  if (!model) errors.model = 'Enter the model, e.g. S19j Pro hashboard.';
  else if (model.length > L.model) errors.model = atMost(L.model);
  if (!v.kind) errors.kind = 'Choose what kind of board this is.';
  if (v.chipType.trim().length > L.chipType) errors.chipType = atMost(L.chipType);
  const count = v.chipCount.trim() === '' ? null : Number(v.chipCount);
  if (count !== null && (!Number.isInteger(count) || count < 0 || count > L.chipCount)) {
    errors.chipCount = `A whole number from 0 to ${L.chipCount}, or empty.`;
  }
  if (v.notes.length > L.notes) errors.notes = atMost(L.notes);
  const tags = v.tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tags.length > L.tags || tags.some((t) => t.length > L.tag))
    errors.tags = `Up to ${L.tags} tags of ${L.tag} characters.`;
  const textPattern = v.textPattern.trim();
  if (textPattern.length > L.textPattern) errors.textPattern = atMost(L.textPattern);
  else if (textPattern && !validPattern(textPattern))
    errors.textPattern = 'Not a valid regular expression, e.g. S19J?-?PRO';
  if (Object.keys(errors).length > 0 || !v.kind) return { input: null, errors };
  return {
    input: {
      vendor,
      model,
      kind: v.kind,
      chipType: v.chipType.trim() || null,
      chipCount: count,
      notes: v.notes,
      tags,
      textPattern: textPattern || null,
    },
    errors,
  };
}

export function useBoardForm(initial?: Editable) {
  const [values, setValues] = useState<Values>(() => valuesOf(initial));
  const [errors, setErrors] = useState<Errors>({});
  return {
    values,
    errors,
    set(key: keyof Values, value: string) {
      setValues((v) => ({ ...v, [key]: value }));
      // A corrected field stops showing its old complaint; the next submit checks it again.
      if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
    },
    /** The input to send, or null after showing what is wrong. */
    validate(): BoardInput | null {
      const r = check(values);
      setErrors(r.errors);
      return r.input;
    },
  };
}

type Form = ReturnType<typeof useBoardForm>;

function Field(props: { form: Form; name: keyof Values; label: string; required?: boolean; hint?: string }) {
  const { form, name, label, required, hint } = props;
  const id = `board-${name}`;
  const error = form.errors[name];
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name,
    value: form.values[name],
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
    onInput: (e: Event) => form.set(name, (e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field field-${name}`}>
      <label for={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {name === 'kind' ? (
        <select {...common} required>
          <option value="">Choose…</option>
          {Object.entries(KIND_LABELS).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      ) : name === 'notes' ? (
        <textarea {...common} rows={4} />
      ) : (
        <input {...common} inputMode={name === 'chipCount' ? 'numeric' : undefined} required={required} />
      )}
      {hint ? (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** Vendor, model, kind, chips, notes and tags of a board; the enclosing form submits them. */
export function BoardFields({ form }: { form: Form }) {
  return (
    <div class="board-fields">
      <Field form={form} name="vendor" label="Vendor" required />
      <Field form={form} name="model" label="Model" required />
      <Field form={form} name="kind" label="Kind" required />
      <Field form={form} name="chipType" label="Chip type" hint="e.g. BM1362" />
      <Field form={form} name="chipCount" label="Chip count" />
      <Field
        form={form}
        name="notes"
        label="Notes"
        hint="Repair hints and test settings shown on the live card"
      />
      <Field form={form} name="tags" label="Tags" hint="Comma separated" />
      <Field
        form={form}
        name="textPattern"
        label="Label pattern"
        hint="Regular expression the printed model string matches (any case), e.g. S19J?-?PRO-HB: the label then confirms or corrects the visual match"
      />
    </div>
  );
}
