# ICMP (v4) or ICMPv6 echo to argv[1] (an address, or fe80::...%dev); exit 0 when the reply comes within 1 s.
# The sandbox has no ping: a raw socket in the host's namespace does the same.
import socket, struct, sys, time, os
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
target = sys.argv[1]
v6 = ':' in target
ident = os.getpid() & 0xffff
if v6:
    addr, _, dev = target.partition('%')
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    dst = (addr, 0, 0, socket.if_nametoindex(dev) if dev else 0)
    s.sendto(struct.pack('!BBHHH', 128, 0, 0, ident, 1) + b'kubesmith', dst)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    hdr = struct.pack('!BBHHH', 8, 0, 0, ident, 1) + b'kubesmith'
    s.sendto(struct.pack('!BBHHH', 8, 0, csum(hdr), ident, 1) + b'kubesmith', (target, 0))
end = time.time() + 1
while time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        data, src = s.recvfrom(2048)
    except socket.timeout:
        break
    icmp = data if v6 else data[(data[0] & 0xf) * 4:]
    if icmp[0] == (129 if v6 else 0) and struct.unpack('!H', icmp[4:6])[0] == ident:
        sys.exit(0)
sys.exit(1)
