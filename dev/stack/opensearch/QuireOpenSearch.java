import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node for the local stack, run from the jars Maven resolved instead of a
 * distribution archive (which no reachable registry serves).
 *
 * <p>The distribution's launcher would load its modules from a modules/ folder; here the same
 * modules are on the classpath and are handed to the node as classpath plugins, which is what the
 * protected Node constructor exists for. The bootstrap checks, the security manager and the
 * plugin jar-hell checks are the distribution launcher's job and do not run, which is what a
 * throwaway development node wants.
 *
 * <p>Usage: java -cp CLASSPATH QuireOpenSearch key=value... (node settings, e.g. path.home=/x).
 */
public final class QuireOpenSearch {

  /** The modules a stock distribution loads that clients commonly rely on. */
  private static final List<Class<? extends Plugin>> MODULES = List.of(
      Netty4Plugin.class,          // HTTP and transport: without it the node has no network layer
      CommonAnalysisPlugin.class,  // the standard analyzers, tokenizers and token filters
      PainlessPlugin.class,        // scripts in queries, updates and ingest
      ReindexPlugin.class,         // _reindex, _update_by_query, _delete_by_query
      MapperExtrasPlugin.class);   // scaled_float, rank_feature, search_as_you_type, token_count

  /** Opens the protected constructor that accepts plugins from the classpath. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment) {
      super(environment, MODULES, true);
    }
  }

  private QuireOpenSearch() {}

  public static void main(String[] args) throws Exception {
    Settings.Builder settings = Settings.builder()
        .put("discovery.type", "single-node")
        .put("http.type", "netty4")
        .put("transport.type", "netty4");
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        System.err.println("QuireOpenSearch: expected key=value, got: " + arg);
        System.exit(2);
      }
      settings.put(arg.substring(0, eq), arg.substring(eq + 1));
    }

    Environment environment = InternalSettingsPreparer.prepareEnvironment(
        settings.build(), Map.of(), null, () -> "quire-dev");
    Node node = new ClasspathNode(environment);

    // The node's own threads are daemons: hold the JVM open until a signal asks it to stop, then
    // close the node so that shards are flushed and the data folder is left consistent.
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "quire-opensearch-shutdown"));

    node.start();
    System.out.println("QuireOpenSearch: node started");
    stopped.await();
  }
}
