import { DescriptorRegistry } from '../descriptor/registry';
import { CODEC_TEST_TYPES, KITCHEN, NESTED } from './descriptors.mocks';
import { decodeJson } from './decode';
import { encodeJson } from './encode';

describe('codec plans', () => {
  it('looks each message type up in the registry once, not per call', () => {
    const types = new DescriptorRegistry([CODEC_TEST_TYPES]);
    const lookups = jest.spyOn(types, 'message');
    const body = { nested: { name: 'a', child: { name: 'b' } }, children: [{ name: 'c' }] };
    for (let call = 0; call < 100; call++)
      encodeJson(types, KITCHEN, decodeJson(types, KITCHEN, body));
    const looked = lookups.mock.calls.map(([name]) => name);
    expect(looked.filter((name) => name === KITCHEN).length).toBeLessThanOrEqual(1);
    expect(looked.filter((name) => name === NESTED).length).toBeLessThanOrEqual(1);
  });

  it('keeps the plans of one registry out of another', () => {
    const first = new DescriptorRegistry([CODEC_TEST_TYPES]);
    const second = new DescriptorRegistry([CODEC_TEST_TYPES]);
    decodeJson(first, KITCHEN, {});
    const lookups = jest.spyOn(second, 'message');
    decodeJson(second, KITCHEN, {});
    expect(lookups).toHaveBeenCalledWith(KITCHEN);
  });
});
