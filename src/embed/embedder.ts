/** Turns texts into unit-length vectors. Every stage that needs vectors depends on this, never on a model library. */
export interface Embedder {
  /** Identifies the model; recorded in the index manifest so queries always use the model that built the index. */
  readonly modelId: string;
  readonly dimension: number;
  /** One L2-normalised vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
