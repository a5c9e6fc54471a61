/** Where progress goes: the Actions log (with groups and annotations) or a terminal. */
export interface Annotation {
  file?: string;
  line?: number;
  title?: string;
}

export interface Logger {
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}
