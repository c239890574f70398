package dev.kubesmith.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A tiny service that embeds the SDK: {@code POST /builds} starts a build of its cluster as a
 * background job (one at a time), {@code GET /builds/<id>} shows the job's progress as the
 * {@link dev.kubesmith.exec.BuildListener} reported it. With {@code --plan-only DIR} a job plans and
 * renders instead of building; the program then posts one job to itself, prints it and stops.
 *
 * <pre>{@code
 * try (EmbeddedService service = EmbeddedService.start(8080, () -> cluster, ApplyOptions::defaults)) {
 *   BuildJob job = service.submit();           // or: curl -X POST localhost:8080/builds
 *   job.awaitFinished(Duration.ofMinutes(30)); // or: curl localhost:8080/builds/1
 * }
 * }</pre>
 */
public final class EmbeddedService implements AutoCloseable {
  static final String WHAT = "Serves POST /builds (start a build of the cluster, default clusterb_hosts) and "
      + "GET /builds/<id> (its progress). With --plan-only DIR: one job that plans to DIR, then exit.";

  private final HttpServer http;
  private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "kubesmith-build-job");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, BuildJob> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Supplier<Cluster> cluster;
  private final Supplier<ApplyOptions> options;
  private final Optional<Path> planOnly;

  private EmbeddedService(HttpServer http, Supplier<Cluster> cluster, Supplier<ApplyOptions> options,
      Optional<Path> planOnly) {
    this.http = http;
    this.cluster = cluster;
    this.options = options;
    this.planOnly = planOnly;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port); each job builds {@code cluster} with {@code options}. */
  public static EmbeddedService start(int port, Supplier<Cluster> cluster, Supplier<ApplyOptions> options) throws IOException {
    return start(port, cluster, options, Optional.empty());
  }

  static EmbeddedService start(int port, Supplier<Cluster> cluster, Supplier<ApplyOptions> options,
      Optional<Path> planOnly) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    EmbeddedService service = new EmbeddedService(http, cluster, options, planOnly);
    http.createContext("/builds", service::handle);
    http.start();
    return service;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** Queues a build; it runs on the service's one build thread. */
  public BuildJob submit() {
    BuildJob job = new BuildJob(String.valueOf(ids.incrementAndGet()));
    jobs.put(job.id(), job);
    builds.execute(() -> {
      job.running();
      try {
        Cluster c = cluster.get();
        if (planOnly.isPresent()) {
          job.event("planned " + c.plan().steps().size() + " steps");
          job.event("written to " + c.plan().render(planOnly.get()));
        } else {
          c.apply(options.get().listener(job));
        }
        job.succeeded();
      } catch (RuntimeException e) {
        job.failed(e);
      }
    });
    return job;
  }

  public Optional<BuildJob> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/builds") && method.equals("POST")) {
      respond(exchange, 202, submit().toJson());
    } else if (path.startsWith("/builds/") && method.equals("GET")) {
      Optional<BuildJob> job = job(path.substring("/builds/".length()));
      respond(exchange, job.isPresent() ? 200 : 404, job.map(BuildJob::toJson)
          .orElse("{\"error\":\"no such build; POST /builds starts one\"}"));
    } else {
      respond(exchange, 405, "{\"error\":\"use POST /builds or GET /builds/<id>\"}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    builds.shutdownNow();
  }

  public static void main(String... args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return SampleRun.run("EmbeddedService", WHAT, "clusterb_hosts", args, out, err, o -> {
      Optional<Cluster> built = SampleRun.build(() -> o.configure(Cluster.singleMaster())
          .inventory(o.loadInventory()).name("clusterb").build(), err);
      if (built.isEmpty()) {
        return SampleRun.INVALID_INPUT;
      }
      Supplier<ApplyOptions> options = () -> {
        ApplyOptions a = ApplyOptions.defaults();
        o.stateDir().ifPresent(a::stateDirectory);
        return a;
      };
      String portText = o.get("--port").orElse(o.planOnly().isPresent() ? "0" : "8080");
      if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
        err.println("error: --port " + portText + ": not a port; give 0-65535 (0: any free port)");
        return SampleRun.USAGE;
      }
      int port = Integer.parseInt(portText);
      try (EmbeddedService service = start(port, built::get, options, o.planOnly())) {
        if (o.planOnly().isEmpty()) {
          out.println("listening on http://127.0.0.1:" + service.port() + "/builds; Ctrl-C stops");
          Thread.currentThread().join();
        }
        String json = postAndWait(service.port(), Duration.ofMinutes(2));
        out.println(json);
        return json.contains("\"state\":\"SUCCEEDED\"") ? SampleRun.OK : SampleRun.BUILD_FAILED;
      } catch (IOException e) {
        err.println("error: cannot serve on port " + port + ": " + e.getMessage());
        return SampleRun.INVALID_INPUT;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return SampleRun.BUILD_FAILED;
      }
    });
  }

  /** What a client of the service does: POST /builds, then GET /builds/<id> until it finished. */
  static String postAndWait(int port, Duration timeout) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + port + "/builds");
    String posted = client.send(HttpRequest.newBuilder(base).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String id = posted.replaceAll("(?s)^\\{\"id\":\"([0-9]+)\".*", "$1");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String json = client.send(HttpRequest.newBuilder(base.resolve("/builds/" + id)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (json.contains("\"state\":\"SUCCEEDED\"") || json.contains("\"state\":\"FAILED\"")
          || System.nanoTime() > deadline) {
        return json;
      }
      Thread.sleep(100); // a client polling the service's status endpoint
    }
  }
}
