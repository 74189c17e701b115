import * as registry from '../descriptor/registry';
import { KITCHEN, NESTED } from './descriptors.mocks';
import { decodeJson } from './decode';
import { encodeJson } from './encode';

describe('codec plans', () => {
  it('looks each message type up in the registry once, not per call', () => {
    const lookups = jest.spyOn(registry, 'getMessageDescriptor');
    const body = { nested: { name: 'a', child: { name: 'b' } }, children: [{ name: 'c' }] };
    for (let call = 0; call < 100; call++) encodeJson(KITCHEN, decodeJson(KITCHEN, body));
    const looked = lookups.mock.calls.map(([name]) => name);
    expect(looked.filter((name) => name === KITCHEN).length).toBeLessThanOrEqual(1);
    expect(looked.filter((name) => name === NESTED).length).toBeLessThanOrEqual(1);
    lookups.mockRestore();
  });
});
