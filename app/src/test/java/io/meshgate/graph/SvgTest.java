package io.meshgate.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.cli.CliRun;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.TestRepos;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code graph --format svg|html}: well-formed XML in the SVG namespace with one group per node and per
 * connection, boxes that do not overlap, and (when Debian's chromium is installed) a page a browser
 * really draws: a headless screenshot with the picture's colours in it.
 */
class SvgTest {
  @TempDir Path temp;

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theSeedIsAWellFormedSvgWithEveryNodeAndConnection() throws Exception {
    Path file = temp.resolve("seed.svg");
    CliRun run = CliRun.of("graph", "--intents", TestRepos.seedIntents().toString(), "--format", "svg", "--out", file.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("wrote " + file + " (5 nodes, 3 connections)"), run.err());
    Document svg = parse(Files.readString(file));
    Element root = svg.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
    assertEquals(5, groups(svg, "node").size());
    assertEquals(3, groups(svg, "edge").size());
    assertEquals(2, groups(svg, "cluster").size());
    assertTrue(Files.readString(file).contains(">GET /status*; POST /headers</text>"));
    assertEquals(CliRun.of("graph", "--intents", TestRepos.seedIntents().toString(), "--format", "svg").out(),
        Files.readString(file), "stdout and --out give the same, deterministic file");
  }

  @Test
  void boxesDoNotOverlapAndAwkwardTextIsEscaped() throws Exception {
    MeshGraph graph = MeshGraph.of(BigMesh.load(temp.resolve("mesh"), 60, 4, s -> false), Set.of());
    String svg = Svg.of(graph, "a <title> & \"quotes\"");
    Document doc = parse(svg);
    List<double[]> boxes = new ArrayList<>();
    Map<String, Double> leftEdge = new HashMap<>();
    for (Element node : groups(doc, "node")) {
      Element rect = (Element) node.getElementsByTagNameNS("*", "rect").item(0);
      boxes.add(new double[] {num(rect, "x"), num(rect, "y"), num(rect, "width"), num(rect, "height")});
      leftEdge.put(node.getAttribute("data-id"), num(rect, "x"));
    }
    assertEquals(120, boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      for (int j = i + 1; j < boxes.size(); j++) {
        double[] a = boxes.get(i);
        double[] b = boxes.get(j);
        boolean apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
        assertTrue(apart, "boxes " + i + " and " + j + " overlap");
      }
    }
    double width = Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
    double height = Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
    assertTrue(boxes.stream().allMatch(b -> b[0] + b[2] <= width && b[1] + b[3] <= height), "inside the canvas");
    // Callers left of what they call.
    List<Element> edges = groups(doc, "edge");
    assertFalse(edges.isEmpty());
    for (Element edge : edges) {
      String from = edge.getAttribute("data-from");
      String to = edge.getAttribute("data-to");
      assertTrue(leftEdge.get(from) < leftEdge.get(to), from + " is drawn left of " + to);
    }
    assertEquals("a <title> & \"quotes\"", doc.getElementsByTagNameNS("*", "title").item(0).getTextContent());
  }

  @Test
  void aBrowserDrawsTheSvgAndTheHtmlPage() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(chromium),
        "Debian's chromium is not installed (apt-get install chromium): the browser rendering check is skipped; "
            + "the SVG is still parsed as XML by the other tests");
    String seed = TestRepos.seedIntents().toString();
    Path svg = temp.resolve("seed.svg");
    Path html = temp.resolve("seed.html");
    assertEquals(0, CliRun.of("graph", "--intents", seed, "--format", "svg", "--out", svg.toString()).exit());
    assertEquals(0, CliRun.of("graph", "--intents", seed, "--format", "html", "--out", html.toString()).exit());
    for (Path page : List.of(svg, html)) {
      Path png = temp.resolve(page.getFileName() + ".png");
      Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + temp.resolve("profile-" + page.getFileName()),
          "--window-size=1000,500", "--screenshot=" + png, page.toUri().toString())
          .redirectErrorStream(true).redirectOutput(temp.resolve("chromium.log").toFile()).start();
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
      assertTrue(Files.size(png) > 1000, Files.readString(temp.resolve("chromium.log")));
      BufferedImage image = ImageIO.read(png.toFile());
      // The lanes' fill (#f6f8fa) and the node text: the picture was drawn, not a blank or error page.
      assertTrue(hasColor(image, 0xf6f8fa), page + " shows no cluster lane");
      assertTrue(darkPixels(image) > 500, page + " shows no text");
    }
  }

  @Test
  void filtersAndFormatsOnTheCommandLine() throws Exception {
    String seed = TestRepos.seedIntents().toString();
    CliRun httpbin = CliRun.of("graph", "--intents", seed, "--service", "httpbin", "--format", "dot");
    assertEquals(0, httpbin.exit(), httpbin.err());
    assertTrue(httpbin.out().startsWith("digraph meshgate {\n"), httpbin.out());
    assertEquals(1, httpbin.out().lines().filter(l -> l.contains(" -> ")).count(), httpbin.out());
    CliRun none = CliRun.of("graph", "--intents", seed, "--cluster", "cluster09");
    assertEquals(0, none.exit());
    assertEquals("flowchart LR\n", none.out().lines().findFirst().orElse("") + "\n");
    assertTrue(none.err().contains("no workload matches the filters"), none.err());
    String html = CliRun.of("graph", "--intents", seed, "--format", "html", "--namespace", "default").out();
    assertTrue(html.startsWith("<!DOCTYPE html>\n"), html);
    assertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"), "nothing fetched");
    assertFalse(html.contains("src=\""), "no external script or image");
    parse(html.substring(html.indexOf("<svg"), html.indexOf("</svg>") + 6));
    assertEquals(2, CliRun.of("graph", "--intents", seed, "--format", "png").exit());
    CliRun broken = CliRun.of("graph", "--intents",
        TestRepos.root().resolve("repo-fixtures/invalid/unknown-field/intents").toString());
    assertEquals(2, broken.exit());
    assertTrue(broken.err().contains("MG-SCHEMA"), broken.err());
  }

  private static boolean hasColor(BufferedImage image, int rgb) {
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          return true;
        }
      }
    }
    return false;
  }

  private static int darkPixels(BufferedImage image) {
    int dark = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        if (((p >> 16) & 0xff) < 100 && ((p >> 8) & 0xff) < 100 && (p & 0xff) < 100) {
          dark++;
        }
      }
    }
    return dark;
  }

  private static double num(Element e, String attribute) {
    return Double.parseDouble(e.getAttribute(attribute));
  }

  private static List<Element> groups(Document doc, String cssClass) {
    List<Element> out = new ArrayList<>();
    NodeList all = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < all.getLength(); i++) {
      Element g = (Element) all.item(i);
      if ((" " + g.getAttribute("class") + " ").contains(" " + cssClass + " ")) {
        out.add(g);
      }
    }
    return out;
  }
}
