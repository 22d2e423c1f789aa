import { addressProblem, checkUrl, ipv6Bytes, UnsafeUrlError } from './ssrf-guard.js';

const production = { allowLoopback: false };
const development = { allowLoopback: true };

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:0001::',
    'ff02::1',
  ])('refuses %s in production', (address) => {
    expect(addressProblem(address, production)).not.toBeNull();
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(addressProblem(address, production)).toBeNull();
  });

  it('lets loopback through only when allowed, never private ranges', () => {
    expect(addressProblem('127.0.0.1', development)).toBeNull();
    expect(addressProblem('::1', development)).toBeNull();
    expect(addressProblem('::ffff:127.0.0.1', development)).toBeNull();
    expect(addressProblem('10.0.0.1', development)).not.toBeNull();
    expect(addressProblem('169.254.169.254', development)).not.toBeNull();
  });

  it('reads IPv6 in every textual form', () => {
    expect(Array.from(ipv6Bytes('::ffff:1.2.3.4')).slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(Array.from(ipv6Bytes('fe80::1%eth0'))[0]).toBe(0xfe);
    expect(Array.from(ipv6Bytes('1:2:3:4:5:6:7:8'))[15]).toBe(8);
  });

  it('checks every address a name resolves to, and literal hosts without DNS', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.1.1', family: 4 },
    ];
    await expect(checkUrl('https://hooks.example.com/x', production, resolve)).rejects.toBeInstanceOf(UnsafeUrlError);
    await expect(checkUrl('http://127.0.0.1:8080/x', production)).rejects.toThrow(/loopback/);
    await expect(checkUrl('http://[::ffff:127.0.0.1]/x', production)).rejects.toThrow(/loopback/);
    await expect(checkUrl('ftp://example.com/', production)).rejects.toThrow(/http/);
    await expect(checkUrl('https://u:p@example.com/', production, resolve)).rejects.toThrow(/credentials/);
    const ok = await checkUrl('https://hooks.example.com/x', production, async () => [
      { address: '93.184.216.34', family: 4 },
    ]);
    expect(ok.address).toBe('93.184.216.34');
    expect((await checkUrl('http://127.0.0.1:9/x', development)).address).toBe('127.0.0.1');
  });
});
