package io.vigil.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The page as people see it: headless Chromium (Debian's package) loads the dashboard served
 * with evolving fake state, web/test/screenshot.mjs waits until every chart draws data and saves
 * target/dashboard.png. The same script checks the live demo: see the module's README.
 */
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png").toAbsolutePath();
  private static final Path LOG = Path.of("target", "dashboard-screenshot.log").toAbsolutePath();

  @Test
  void everyChartDrawsTheStreamedStateInHeadlessChromium() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("%s is missing: run bin/setup (it installs Debian's chromium), or set CHROMIUM", CHROMIUM)
        .isTrue();
    Files.deleteIfExists(SCREENSHOT);

    try (DashboardServer server = DashboardServer.start(DashboardServer.DEFAULT_HOST, 0, new FakeDemoState())) {
      Process node = new ProcessBuilder("node", "test/screenshot.mjs", server.url(), SCREENSHOT.toString(), "60")
          .directory(Path.of("web").toFile())
          .redirectErrorStream(true)
          .redirectOutput(LOG.toFile())
          .start();
      boolean exited = node.waitFor(150, TimeUnit.SECONDS);
      if (!exited) {
        node.destroyForcibly();
      }
      String output = Files.readString(LOG);
      System.out.print(output);
      assertThat(exited).as("screenshot.mjs did not finish in 150 s:\n%s", output).isTrue();
      assertThat(node.exitValue()).as("screenshot.mjs failed:\n%s", output).isZero();
    }

    assertThat(SCREENSHOT).exists();
    BufferedImage image = ImageIO.read(SCREENSHOT.toFile());
    assertThat(image.getWidth()).isGreaterThanOrEqualTo(1600);
    assertThat(image.getHeight()).isGreaterThanOrEqualTo(1000);
    assertThat(distinctColours(image)).as("colours in the screenshot (a blank page has a handful)").isGreaterThan(500);
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
