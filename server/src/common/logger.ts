// The logging the indexer and the anchorer need (pino's Logger has it): structured fields first, then a message.
export type Logger = {
  debug: (obj: object, msg?: string) => void;
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
};
