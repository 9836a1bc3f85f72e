import { CfnParameter } from 'aws-cdk-lib';
import { MpaProtectedOperation } from '../../src';
import { newStack } from '../construct-helpers/stacks';

describe('MpaProtectedOperation', () => {
  test('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is the service\'s operation name', () => {
    expect(MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE.value).toBe('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE');
  });

  test('of() names an operation AWS adds later', () => {
    const operation = MpaProtectedOperation.of('EXPORT_SOMETHING_NEW_2');

    expect(operation.value).toBe('EXPORT_SOMETHING_NEW_2');
    expect(operation.toString()).toBe('EXPORT_SOMETHING_NEW_2');
  });

  test('of() accepts a known name too', () => {
    expect(MpaProtectedOperation.of('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE').value)
      .toBe(MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE.value);
  });

  test.each([
    ['lower case', 'import_root_public_key_certificate'],
    ['an API operation name', 'ImportKey'],
    ['empty', ''],
    ['a leading digit', '1_OPERATION'],
    ['spaces', 'IMPORT ROOT'],
    ['longer than 128 characters', 'A'.repeat(129)],
  ])('of() rejects a name in %s', (_case, value) => {
    expect(() => MpaProtectedOperation.of(value)).toThrow(/operation name must be upper snake case/);
  });

  test('of() passes a token through unchecked', () => {
    const parameter = new CfnParameter(newStack(), 'Operation');

    expect(MpaProtectedOperation.of(parameter.valueAsString).value).toBe(parameter.valueAsString);
  });
});
