import { IntlMessageFormat } from 'intl-messageformat';
import type { ComponentChildren, VNode } from 'preact';
import type { DashboardLanguage } from '../../../src/protocol.ts';
import { CATALOGS, type MessageId } from './catalogs/index.ts';

type Value = string | number | Date;
type RichValue = Value | VNode | ((chunks: ComponentChildren[]) => VNode);

/** The shape of an error the API explained ({ error: { code, message } }) or the dashboard raised. */
interface CodedError {
  code: string;
  message: string;
  status?: number;
}

const coded = (err: unknown): err is CodedError =>
  err instanceof Error && typeof (err as Partial<CodedError>).code === 'string';

/**
 * One language's messages and formats: `t` formats a catalogue message (ICU: plurals, selects,
 * numbers), the rest format numbers and dates with Intl in the same locale.
 */
export class Translator {
  readonly #messages: Readonly<Record<MessageId, string>>;
  readonly #compiled = new Map<MessageId, IntlMessageFormat>();
  readonly #percent: Intl.NumberFormat;
  readonly #dateTime: Intl.DateTimeFormat;
  readonly #clock: Intl.DateTimeFormat;
  readonly #dayMonth: Intl.DateTimeFormat;

  constructor(
    readonly language: DashboardLanguage,
    readonly locale: string,
  ) {
    this.#messages = CATALOGS[language];
    this.#percent = new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    this.#dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    this.#clock = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    this.#dayMonth = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  }

  #format(id: MessageId): IntlMessageFormat {
    let f = this.#compiled.get(id);
    if (!f) {
      f = new IntlMessageFormat(this.#messages[id], this.locale);
      this.#compiled.set(id, f);
    }
    return f;
  }

  /** A message as plain text (attributes, toasts, titles). */
  t(id: MessageId, values?: Record<string, Value>): string {
    return String(this.#format(id).format(values));
  }

  /** A message with markup: `<b>…</b>` in the message calls `values.b` with what it wraps. */
  rich(id: MessageId, values: Record<string, RichValue>): ComponentChildren {
    return this.#format(id).format<VNode>(values as never) as ComponentChildren;
  }

  /** 0.953 -> "95.3 %" / "95,3 %" (the score clamped to 0–1). */
  percent(score: number): string {
    return this.#percent.format(Math.max(0, Math.min(1, score)));
  }

  /** A measurement with fixed decimals; "–" when there is none. */
  fixed(n: number, digits = 1): string {
    if (!Number.isFinite(n)) return this.t('common.none');
    return n.toLocaleString(this.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  dateTime(ms: number): string {
    return this.#dateTime.format(ms);
  }

  clock(ms: number): string {
    return this.#clock.format(ms);
  }

  /** "2026-12-01" (a calendar day) -> "Dec 1" / "1 déc." */
  dayMonth(date: string): string {
    return this.#dayMonth.format(new Date(`${date}T12:00:00`));
  }

  /** What to show for a failed call: the localized message for a code we know, else the daemon's own. */
  error(err: unknown): string {
    if (coded(err)) {
      const id = `error.${err.code}` as MessageId;
      if (id in this.#messages) return this.t(id, { status: err.status ?? '' });
      return err.message;
    }
    return err instanceof Error ? err.message : String(err);
  }
}
