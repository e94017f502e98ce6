import { useEffect, useRef, useState } from 'preact/hooks';
import { BOARD_KINDS, BOARD_LIMITS, type BoardInfo, type BoardKind } from '../../../src/protocol.ts';
import type { BoardInput } from '../api.ts';
import { factsFor, modelNames, singleChip, useHardware } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import type { Translator } from '../i18n/translator.ts';

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

/** What a form starts with: a board being edited, or a new board's known values. */
type Initial = Partial<Editable>;

/** Fields the hardware reference can fill in. */
type Fillable = Pick<Values, 'kind' | 'chipType' | 'chipCount'>;

function validPattern(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

function valuesOf(b?: Initial): Values {
  return {
    vendor: b?.vendor ?? '',
    model: b?.model ?? '',
    kind: b?.kind ?? '',
    chipType: b?.chipType ?? '',
    chipCount: b?.chipCount === null || b?.chipCount === undefined ? '' : String(b.chipCount),
    notes: b?.notes ?? '',
    tags: b?.tags?.join(', ') ?? '',
    textPattern: b?.textPattern ?? '',
  };
}

const L = BOARD_LIMITS;

/** The daemon's limits (protocol.ts), checked before sending so mistakes show by the field. */
function check(t: Translator, v: Values): { input: BoardInput | null; errors: Errors } {
  const atMost = (max: number) => t.t('form.atMost', { max });
  const errors: Errors = {};
  const vendor = v.vendor.trim();
  const model = v.model.trim();
  if (!vendor) errors.vendor = t.t('form.vendorMissing');
  else if (vendor.length > L.vendor) errors.vendor = atMost(L.vendor);
  if (!model) errors.model = t.t('form.modelMissing');
  else if (model.length > L.model) errors.model = atMost(L.model);
  if (!v.kind) errors.kind = t.t('form.kindMissing');
  if (v.chipType.trim().length > L.chipType) errors.chipType = atMost(L.chipType);
  const count = v.chipCount.trim() === '' ? null : Number(v.chipCount);
  if (count !== null && (!Number.isInteger(count) || count < 0 || count > L.chipCount)) {
    errors.chipCount = t.t('form.chipCountInvalid', { max: L.chipCount });
  }
  if (v.notes.length > L.notes) errors.notes = atMost(L.notes);
  const tags = v.tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tags.length > L.tags || tags.some((t) => t.length > L.tag))
    errors.tags = t.t('form.tagsInvalid', { count: L.tags, length: L.tag });
  const textPattern = v.textPattern.trim();
  if (textPattern.length > L.textPattern) errors.textPattern = atMost(L.textPattern);
  else if (textPattern && !validPattern(textPattern)) errors.textPattern = t.t('form.patternInvalid');
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

export function useBoardForm(initial?: Initial) {
  const [values, setValues] = useState<Values>(() => valuesOf(initial));
  const [errors, setErrors] = useState<Errors>({});
  /** The fields the reference filled in (and the user has not typed in since), with their values. */
  const filled = useRef<Partial<Fillable>>({});
  return {
    values,
    errors,
    set(key: keyof Values, value: string) {
      delete filled.current[key as keyof Fillable];
      setValues((v) => ({ ...v, [key]: value }));
      // A corrected field stops showing its old complaint; the next submit checks it again.
      if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
    },
    /**
     * Fills fields from the hardware reference: those that are empty, or that it filled before (a
     * model picked after another); what the user typed stays.
     */
    fill(facts: Partial<Fillable>) {
      setValues((v) => {
        const next = { ...v };
        for (const key of ['kind', 'chipType', 'chipCount'] as const) {
          const mine = filled.current[key] !== undefined && filled.current[key] === v[key];
          if (v[key] !== '' && !mine) continue;
          const value = facts[key] ?? '';
          (next as Record<string, string>)[key] = value;
          if (value === '') delete filled.current[key];
          else filled.current[key] = value as never;
        }
        return next;
      });
    },
    /** The input to send, or null after showing what is wrong. */
    validate(t: Translator): BoardInput | null {
      const r = check(t, values);
      setErrors(r.errors);
      return r.input;
    },
  };
}

type Form = ReturnType<typeof useBoardForm>;

function Field(props: {
  form: Form;
  name: keyof Values;
  label: string;
  required?: boolean;
  hint?: string;
  /** A datalist of suggestions (the reference's models). */
  list?: string;
  /** Something to double-check, which does not stop the form (a chip count the reference contradicts). */
  warning?: string | null;
}) {
  const t = useT();
  const { form, name, label, required, hint, list, warning } = props;
  const id = `board-${name}`;
  const error = form.errors[name];
  const described = [hint ? `${id}-hint` : '', warning ? `${id}-warning` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
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
          <option value="">{t.t('common.choose')}</option>
          {BOARD_KINDS.map((k) => (
            <option key={k} value={k}>
              {t.t(`kind.${k}`)}
            </option>
          ))}
        </select>
      ) : name === 'notes' ? (
        <textarea {...common} rows={4} />
      ) : (
        <input
          {...common}
          list={list}
          inputMode={name === 'chipCount' ? 'numeric' : undefined}
          required={required}
        />
      )}
      {hint ? (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      ) : null}
      {warning ? (
        <small id={`${id}-warning`} class="field-warning" data-testid={`${name}-warning`}>
          {warning}
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
  const t = useT();
  const hardware = useHardware();
  const model = form.values.model;
  const facts = factsFor(hardware, model);
  // Picking (or typing) a model the reference knows fills in its chips; never the form's first values.
  const lastModel = useRef(model);
  useEffect(() => {
    if (lastModel.current === model) return;
    lastModel.current = model;
    if (!facts) return;
    form.fill({
      kind: 'hashboard',
      chipType: singleChip(facts.asicChip) ?? '',
      chipCount: facts.chipsPerBoard === null ? '' : String(facts.chipsPerBoard),
    });
  }, [model, facts, form]);
  const count = form.values.chipCount.trim() === '' ? null : Number(form.values.chipCount);
  const countWarning =
    facts?.chipsPerBoard != null && count !== null && Number.isInteger(count) && count !== facts.chipsPerBoard
      ? t.t('form.chipCountWarning', { expected: facts.chipsPerBoard, model: facts.model, count })
      : null;
  return (
    <div class="board-fields">
      <Field form={form} name="vendor" label={t.t('form.vendor')} required />
      <Field
        form={form}
        name="model"
        label={t.t('form.model')}
        required
        list="hardware-models"
        hint={t.t('form.modelHint')}
      />
      <datalist id="hardware-models">
        {modelNames(hardware).map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <Field form={form} name="kind" label={t.t('form.kind')} required />
      <Field form={form} name="chipType" label={t.t('form.chipType')} hint={t.t('form.chipTypeHint')} />
      <Field form={form} name="chipCount" label={t.t('form.chipCount')} warning={countWarning} />
      <Field form={form} name="notes" label={t.t('form.notes')} hint={t.t('form.notesHint')} />
      <Field form={form} name="tags" label={t.t('form.tags')} hint={t.t('form.tagsHint')} />
      <Field
        form={form}
        name="textPattern"
        label={t.t('form.textPattern')}
        hint={t.t('form.textPatternHint')}
      />
    </div>
  );
}
