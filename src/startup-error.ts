/** Start-up cannot succeed without an operator's fix: the process prints this one line and exits 1. */
export class StartupError extends Error {
  /** The variable to fix. */
  readonly variable: string;
  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
    this.variable = variable;
  }
}
