// The one error type of the loader. Its message is a single line that names the program, the
// problem and (where there is one) the fix, so the CLI can print it as is after "vxts: ".

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}
