package dev.kubesmith.testkit.internal;

import dev.kubesmith.spec.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox's wiring: one namespace {@code ks-<id>_net} holding the private bridge br0 and the
 * public bridge br1, a veth pair from each host to them, and for the bastion a veth pair to the
 * test JVM's namespace (198.18.255.1/30 there, 198.18.255.2 in the bastion for link slot 0; see
 * {@link Registry}). Nothing else is added to the JVM's namespace: no route, no other address, so
 * only the bastion is reachable from it.
 */
public final class Network {
  private final String id;
  private final Cidr privateNet;
  private final Cidr publicNet;
  private final int slot;

  public Network(String id, Cidr privateNet, Cidr publicNet, int slot) {
    this.id = id;
    this.privateNet = privateNet;
    this.publicNet = publicNet;
    this.slot = slot;
  }

  /** The bastion's address on its link to the test JVM. */
  public String bastionAddress() {
    return AddressPlan.bastionAddress(slot);
  }

  public String namespace() {
    return Names.networkNamespace(id);
  }

  /** Creates the bridge namespace. */
  public void create() {
    String ns = namespace();
    String script = String.join("\n",
        "ip netns add " + ns,
        "ip -n " + ns + " link add br0 type bridge",
        "ip -n " + ns + " link set br0 up",
        "ip -n " + ns + " link add br1 type bridge",
        "ip -n " + ns + " link set br1 up");
    Proc.run(List.of("sh", "-euc", script)).requireSuccess();
  }

  /** Shell lines, run in the JVM's namespace, that create the host's namespace and plug it in. */
  String attach(HostPlan host, String hostNs) {
    String net = namespace();
    List<String> s = new ArrayList<>();
    s.add("ip netns add " + hostNs);
    s.add("ip -n " + net + " link add p" + host.index() + " type veth peer name eth0 netns " + hostNs);
    s.add("ip -n " + net + " link set p" + host.index() + " master br0 up");
    if (host.publicIp().isPresent()) {
      s.add("ip -n " + net + " link add q" + host.index() + " type veth peer name eth1 netns " + hostNs);
      s.add("ip -n " + net + " link set q" + host.index() + " master br1 up");
    }
    if (host.bastion()) {
      String link = Names.rootLink(id);
      s.add("ip link add " + link + " type veth peer name ext0 netns " + hostNs);
      s.add("ip addr add " + AddressPlan.rootAddress(slot) + "/30 dev " + link);
      s.add("ip link set " + link + " up");
    }
    return String.join("\n", s);
  }

  /** Shell lines, run inside the host's namespace, that give its interfaces their addresses. */
  List<String> configure(HostPlan host) {
    List<String> s = new ArrayList<>();
    s.add("ip addr add " + host.privateIp() + "/" + privateNet.prefix() + " dev eth0");
    s.add("ip link set eth0 up");
    host.publicIp().ifPresent(ip -> {
      s.add("ip addr add " + ip + "/" + publicNet.prefix() + " dev eth1");
      s.add("ip link set eth1 up");
    });
    if (host.bastion()) {
      s.add("ip addr add " + bastionAddress() + "/30 dev ext0");
      s.add("ip link set ext0 up");
    }
    s.add("ip link set lo up");
    return s;
  }
}
