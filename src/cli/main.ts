/** The `tflite-ts` command line (placeholder until the CLI framework lands). */
export async function run(argv: string[]): Promise<number> {
  console.error(`tflite-ts: no commands yet (${argv.join(' ')})`);
  return 2;
}
