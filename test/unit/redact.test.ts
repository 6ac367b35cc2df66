import { redact } from '../../nodes/GcoreIam/outcome/redact';

const key = 'sim-key$abc_123456';

describe('redact', () => {
	test('removes the whole key', () => {
		expect(redact(`Bad permanent token: ${key}.`, key)).toBe('Bad permanent token: [redacted].');
	});

	test('removes a piece of the key that the API echoed', () => {
		expect(redact('Bad permanent token: sim-key$abc', key)).toBe('Bad permanent token: [redacted]');
		expect(redact('token=abc_123456', key)).toBe('token=[redacted]');
	});

	test('keeps ordinary words and short pieces', () => {
		expect(redact('User with given email not found: sim', key)).toBe('User with given email not found: sim');
	});

	test('an empty key changes nothing', () => {
		expect(redact('anything', '')).toBe('anything');
	});
});
