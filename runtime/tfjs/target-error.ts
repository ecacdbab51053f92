/**
 * A backend that cannot run here, or cannot run this command, said in words the user can act
 * on (install a driver, pick another backend). The CLI prints its message without a stack.
 * Kept in a module of its own, free of tfjs, so that the CLI's dispatcher can recognise it
 * without loading a backend.
 */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}
