import type { DashboardLanguage } from '../../../../src/protocol.ts';
import { en, type MessageId } from './en.ts';
import { frCA } from './fr-CA.ts';

export type { MessageId };

/** Every language's messages, by the language's tag (also its `<html lang>`). */
export const CATALOGS: Record<DashboardLanguage, Readonly<Record<MessageId, string>>> = {
  en,
  'fr-CA': frCA,
};
