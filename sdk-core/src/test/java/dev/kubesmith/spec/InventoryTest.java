package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubesmith.SeedCluster;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {

  private static Host host(Inventory inv, String name) {
    return inv.host(name).orElseThrow(() -> new AssertionError("no host " + name + " in " + inv));
  }

  @Nested
  class HostsFile {

    @Test
    void readsHostsRolesAndOptionsSkippingComments() {
      String text = """
          # the hosts Terraform made
          192.168.4.10  bastion  bastion  public=203.0.113.10   # the only way in

          192.168.4.31  master1  master,worker  port=2222 user=ops memory=8G
          \t192.168.4.41\tworker1\tworker\tmemory=512M
          """;

      Inventory inv = Inventory.parse(text, Inventory.Format.HOSTS_FILE);

      assertThat(inv.hosts()).extracting(Host::name).containsExactly("bastion", "master1", "worker1");
      Host bastion = host(inv, "bastion");
      assertThat(bastion.privateIp()).isEqualTo("192.168.4.10");
      assertThat(bastion.publicIp()).contains("203.0.113.10");
      assertThat(bastion.roles()).containsExactly(Role.BASTION);
      Host master = host(inv, "master1");
      assertThat(master.roles()).containsExactlyInAnyOrder(Role.MASTER, Role.WORKER);
      assertThat(master.sshPort()).isEqualTo(OptionalInt.of(2222));
      assertThat(master.sshUser()).contains("ops");
      assertThat(master.memoryMib()).isEqualTo(OptionalInt.of(8192));
      assertThat(master.publicIp()).isEmpty();
      assertThat(host(inv, "worker1").memoryMib()).isEqualTo(OptionalInt.of(512));
    }

    @Test
    void readsMemoryInGibibytes() {
      // Documented in InventoryFormats.memoryMib: "Parses 8G, 8192M, 8Gi or a plain number of MiB".
      Inventory inv = Inventory.parse("192.168.4.41 worker1 worker memory=8Gi\n", Inventory.Format.HOSTS_FILE);

      assertThat(host(inv, "worker1").memoryMib()).isEqualTo(OptionalInt.of(8192));
    }

    @Test
    void reportsEveryBadLineAtOnceWithItsLineNumber() {
      String text = """
          192.168.4.31 master1 master
          192.168.4.32 master2
          # a comment is fine
          192.168.4.33 master3 boss
          192.168.4.41 worker1 worker port=abc
          192.168.4.42 worker2 worker colour=blue
          192.168.4.43 worker3 worker
          """;

      InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
          () -> Inventory.parse(text, Inventory.Format.HOSTS_FILE));

      assertThat(e).isNotNull();
      assertThat(e.problems()).extracting(Problem::field)
          .containsExactly("inventory line 2", "inventory line 4", "inventory line 5", "inventory line 6");
      assertThat(e.problems()).extracting(Problem::value)
          .containsExactly("192.168.4.32 master2", "boss", "port=abc", "colour=blue");
      assertThat(e.problems().get(0).fix()).contains("192.168.4.31 master1 master");
      assertThat(e.problems().get(1).fix()).contains("bastion, lb, master, worker or nfs");
      assertThat(e.problems().get(3).fix()).contains("public=<ip>");
      assertThat(e.getMessage()).contains("4 problems");
    }

    @Test
    void refusesAFileWithoutHosts() {
      assertThatThrownBy(() -> Inventory.parse("# nothing yet\n\n", Inventory.Format.HOSTS_FILE))
          .isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("lists no hosts");
    }

    @Test
    void loadsTheSeedsClusteraHostsFile() {
      Inventory inv = Inventory.load(SeedCluster.hostsFile());

      assertThat(inv.hosts()).extracting(Host::name).containsExactly(
          "bastion", "lb1", "lb2", "master1", "master2", "master3", "worker1", "worker2", "worker3", "nfs1");
      assertThat(inv.withRole(Role.MASTER)).extracting(Host::privateIp)
          .containsExactly("192.168.4.31", "192.168.4.32", "192.168.4.33");
      assertThat(inv.withRole(Role.LB)).extracting(h -> h.publicIp().orElseThrow())
          .containsExactly("203.0.113.21", "203.0.113.22");
      assertThat(inv.withRole(Role.WORKER)).allSatisfy(w -> assertThat(w.memoryMib()).isEqualTo(OptionalInt.of(16384)));
      assertThat(host(inv, "bastion").publicIp()).contains("203.0.113.10");
      assertThat(host(inv, "nfs1").roles()).containsExactly(Role.NFS);
      assertThat(inv.hosts()).allSatisfy(h -> assertThat(h.roles()).hasSize(1));
    }
  }

  @Nested
  class AnsibleIni {
    /** An inventory as kubespray's docs show it, with a bastion and a host in both control-plane and node groups. */
    static final String KUBESPRAY = """
        # ## Configure 'ip' variable to bind kubernetes services on a
        # ## different ip than the default iface
        [all]
        node1 ansible_host=95.54.0.12 ip=10.3.0.1 etcd_member_name=etcd1
        node2 ansible_host=95.54.0.13 ip=10.3.0.2 etcd_member_name=etcd2
        node3 ansible_host=95.54.0.14 ip=10.3.0.3 etcd_member_name=etcd3 ansible_port=2222
        node4 ansible_host=95.54.0.15 ip=10.3.0.4 ansible_user=ubuntu

        [bastion]
        bastion ansible_host=95.54.0.10 ip=10.3.0.10

        [kube_control_plane]
        node1
        node2
        node3

        [etcd]
        node1
        node2
        node3

        [kube_node]
        node3
        node4

        [calico_rr]

        [k8s_cluster:children]
        kube_control_plane
        kube_node
        calico_rr

        [all:vars]
        ansible_python_interpreter=/usr/bin/python3
        """;

    @Test
    void readsKubesprayGroupsIntoRoles() {
      Inventory inv = Inventory.parse(KUBESPRAY, Inventory.Format.ANSIBLE_INI);

      assertThat(inv.hosts()).extracting(Host::name).containsExactly("node1", "node2", "node3", "node4", "bastion");
      assertThat(host(inv, "node1").roles()).containsExactly(Role.MASTER);
      assertThat(host(inv, "node3").roles()).containsExactlyInAnyOrder(Role.MASTER, Role.WORKER);
      assertThat(host(inv, "node4").roles()).containsExactly(Role.WORKER);
      assertThat(host(inv, "bastion").roles()).containsExactly(Role.BASTION);
    }

    @Test
    void takesIpAsPrivateAndAnsibleHostAsPublicAddress() {
      Inventory inv = Inventory.parse(KUBESPRAY, Inventory.Format.ANSIBLE_INI);

      Host node1 = host(inv, "node1");
      assertThat(node1.privateIp()).isEqualTo("10.3.0.1");
      assertThat(node1.publicIp()).contains("95.54.0.12");
      assertThat(host(inv, "bastion").privateIp()).isEqualTo("10.3.0.10");
      assertThat(host(inv, "bastion").publicIp()).contains("95.54.0.10");
      assertThat(host(inv, "node3").sshPort()).isEqualTo(OptionalInt.of(2222));
      assertThat(host(inv, "node4").sshUser()).contains("ubuntu");
    }

    @Test
    void usesAnsibleHostAsPrivateAddressWithoutIp() {
      String text = """
          [kube_control_plane]
          cp1 ansible_host=10.3.0.1
          """;

      Host cp1 = Inventory.parse(text, Inventory.Format.ANSIBLE_INI).hosts().get(0);

      assertThat(cp1.privateIp()).isEqualTo("10.3.0.1");
      assertThat(cp1.publicIp()).isEmpty();
    }

    @Test
    void reportsHostsInNoKnownGroupAndMalformedVariables() {
      String text = """
          [all]
          node1 ansible_host=10.3.0.1
          node2 ansible_host=10.3.0.2 oops
          [etcd]
          node1
          [kube_node]
          node2
          """;

      InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
          () -> Inventory.parse(text, Inventory.Format.ANSIBLE_INI));

      assertThat(e).isNotNull();
      assertThat(e.problems()).extracting(Problem::field).containsExactly("inventory line 3", "inventory host node1");
      assertThat(e.problems().get(1).fix()).contains("kube_control_plane", "kube_node");
    }
  }

  @Nested
  class TerraformJson {

    @Test
    void readsAHostsOutputWhoseValueIsAList() {
      String json = """
          {
            "hosts": {
              "sensitive": false,
              "type": ["list", ["object", {"name": "string", "private_ip": "string", "public_ip": "string", "roles": ["list", "string"]}]],
              "value": [
                {"name": "lb1", "private_ip": "10.0.1.5", "public_ip": "203.0.113.5", "roles": ["lb"]},
                {"name": "master1", "private_ip": "10.0.1.11", "public_ip": "", "roles": ["master", "worker"]},
                {"name": "worker1", "private_ip": "10.0.1.21", "roles": "worker"}
              ]
            },
            "vip": {"sensitive": false, "type": "string", "value": "10.0.1.100"}
          }
          """;

      Inventory inv = Inventory.parse(json, Inventory.Format.TERRAFORM_JSON);

      assertThat(inv.hosts()).extracting(Host::name).containsExactly("lb1", "master1", "worker1");
      assertThat(host(inv, "lb1").publicIp()).contains("203.0.113.5");
      assertThat(host(inv, "master1").publicIp()).isEmpty();
      assertThat(host(inv, "master1").roles()).containsExactlyInAnyOrder(Role.MASTER, Role.WORKER);
      assertThat(host(inv, "worker1").privateIp()).isEqualTo("10.0.1.21");
      assertThat(host(inv, "worker1").roles()).containsExactly(Role.WORKER);
    }

    @Test
    void readsAHostsOutputWhoseValueIsAMapOfNameToHost() {
      String json = """
          {"hosts": {"sensitive": true, "type": ["map", ["object", {"private_ip": "string", "roles": "string"}]],
                     "value": {"master1": {"private_ip": "10.0.1.11", "roles": "master"},
                               "worker1": {"private_ip": "10.0.1.21", "public_ip": "198.51.100.21", "roles": "worker,nfs"}}}}
          """;

      Inventory inv = Inventory.parse(json, Inventory.Format.TERRAFORM_JSON);

      assertThat(inv.hosts()).extracting(Host::name).containsExactly("master1", "worker1");
      assertThat(host(inv, "master1").privateIp()).isEqualTo("10.0.1.11");
      assertThat(host(inv, "worker1").publicIp()).contains("198.51.100.21");
      assertThat(host(inv, "worker1").roles()).containsExactlyInAnyOrder(Role.WORKER, Role.NFS);
    }

    @Test
    void reportsEveryIncompleteHostAndUnknownRole() {
      String json = """
          {"hosts": {"sensitive": false, "type": "dynamic", "value": [
            {"name": "master1", "roles": ["master"]},
            {"name": "master2", "private_ip": "10.0.1.12", "roles": ["boss"]},
            {"name": "master3", "private_ip": "10.0.1.13", "roles": ["master"]}
          ]}}
          """;

      InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
          () -> Inventory.parse(json, Inventory.Format.TERRAFORM_JSON));

      assertThat(e).isNotNull();
      assertThat(e.problems()).extracting(Problem::field).containsExactly("hosts[0]", "hosts[1].roles");
      assertThat(e.problems().get(0).fix()).contains("private_ip");
    }

    @Test
    void reportsOutputWithoutHosts() {
      assertThatThrownBy(() -> Inventory.parse("{\"vip\": {\"value\": \"1.2.3.4\"}, \"lb\": {\"value\": []}}",
          Inventory.Format.TERRAFORM_JSON))
          .isInstanceOf(InvalidSpecException.class)
          .hasMessageContaining("has no hosts output");
    }
  }

  @Nested
  class Detection {

    @Test
    void detectsJsonByNameOrByItsOpeningBrace() {
      assertThat(Inventory.detect("hosts.json", "[]")).isEqualTo(Inventory.Format.TERRAFORM_JSON);
      assertThat(Inventory.detect("tf-output", "\n  {\"hosts\": {}}")).isEqualTo(Inventory.Format.TERRAFORM_JSON);
    }

    @Test
    void detectsABareJsonListAsTerraformOutput() {
      // 'terraform output -json hosts' prints the output's value: a bare list. InventoryFormats reads it
      // ("or a bare list"), but detection sends it elsewhere when the file name does not end in .json.
      String json = """
          [
            {"name": "master1", "private_ip": "10.0.1.11", "roles": ["master"]}
          ]
          """;

      assertThat(Inventory.detect("hosts", json)).isEqualTo(Inventory.Format.TERRAFORM_JSON);
      assertThat(Inventory.detect("hosts", json.replace("\n", ""))).isEqualTo(Inventory.Format.TERRAFORM_JSON);
    }

    @Test
    void detectsClusterYamlByName() {
      assertThat(Inventory.detect("clustera.yaml", "name: a")).isEqualTo(Inventory.Format.CLUSTER_YAML);
      assertThat(Inventory.detect("clustera.YML", "name: a")).isEqualTo(Inventory.Format.CLUSTER_YAML);
    }

    @Test
    void detectsAnsibleIniByNameOrSections() {
      assertThat(Inventory.detect("inventory.ini", "node1 ansible_host=1.2.3.4")).isEqualTo(Inventory.Format.ANSIBLE_INI);
      assertThat(Inventory.detect("hosts", AnsibleIni.KUBESPRAY)).isEqualTo(Inventory.Format.ANSIBLE_INI);
    }

    @Test
    void takesEverythingElseForAHostsFile() throws Exception {
      assertThat(Inventory.detect("clustera_hosts", Files.readString(SeedCluster.hostsFile())))
          .isEqualTo(Inventory.Format.HOSTS_FILE);
    }

    @Test
    void loadsEachFormatFromAFile(@TempDir Path dir) throws Exception {
      Path ini = Files.writeString(dir.resolve("hosts"), AnsibleIni.KUBESPRAY);
      Path json = Files.writeString(dir.resolve("terraform.json"),
          "{\"hosts\":{\"value\":[{\"name\":\"m1\",\"private_ip\":\"10.0.1.11\",\"roles\":[\"master\"]}]}}");
      ClusterSpec spec = SeedCluster.ha();
      Path yaml = Files.writeString(dir.resolve("clustera.yaml"), spec.toYaml());

      assertThat(Inventory.load(ini).hosts()).hasSize(5);
      assertThat(Inventory.load(json).hosts()).extracting(Host::name).containsExactly("m1");
      assertThat(Inventory.load(yaml).hosts()).isEqualTo(spec.hosts());
    }

    @Test
    void namesAFileItCannotRead(@TempDir Path dir) {
      Path missing = dir.resolve("nope_hosts");

      assertThatThrownBy(() -> Inventory.load(missing))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(missing.toString());
    }
  }

  @Test
  void findsHostsByNameAndRoleInInventoryOrder() {
    Inventory inv = Inventory.of(Host.of("w2", "10.0.0.2", Role.WORKER), Host.of("m1", "10.0.0.1", Role.MASTER),
        Host.of("w1", "10.0.0.3", Role.WORKER));

    assertThat(inv.withRole(Role.WORKER)).extracting(Host::name).containsExactly("w2", "w1");
    assertThat(inv.host("m1")).map(Host::privateIp).isEqualTo(Optional.of("10.0.0.1"));
    assertThat(inv.host("m9")).isEmpty();
    assertThat(inv).hasToString("Inventory[w2, m1, w1]");
  }
}
