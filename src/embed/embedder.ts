/** Turns texts into unit-length vectors. Every stage that needs vectors depends on this, never on a model library. */
export interface Embedder {
  /** Identifies the model; recorded in the index manifest so queries always use the model that built the index. */
  readonly modelId: string;
  readonly dimension: number;
  /** The model's token window; the chunker keeps chunks inside it. */
  readonly maxTokens: number;
  /**
   * One L2-normalised vector per text, in order. A text with no known token (empty, all out-of-vocabulary)
   * gets an all-zero vector: it carries no meaning, and callers must treat it as "no semantic evidence".
   */
  embed(texts: string[]): Promise<Float32Array[]>;
}
