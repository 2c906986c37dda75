/** The BackendError a promise rejects with (fails the test if it resolves or rejects with something else). */
import { BackendError } from '../src/backends/types';

export async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}
