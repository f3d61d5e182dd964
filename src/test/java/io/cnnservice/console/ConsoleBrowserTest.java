package io.cnnservice.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser: Debian's chromium, headless, through chromium-driver,
 * against the running service. Skipped without them, unless
 * {@code CNN_REQUIRE_BROWSER=true}. Screenshots go to {@code target/console-screenshots}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class ConsoleBrowserTest {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path DRIVER = Path.of("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	@BeforeAll
	static void needsABrowser() {
		boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
		if (!present && "true".equals(System.getenv("CNN_REQUIRE_BROWSER"))) {
			throw new IllegalStateException("CNN_REQUIRE_BROWSER=true but " + CHROMIUM + " or " + DRIVER
					+ " is missing (apt-get install chromium chromium-driver)");
		}
		Assumptions.assumeTrue(present,
				"browser tests skipped: apt-get install chromium chromium-driver (CNN_REQUIRE_BROWSER=true fails instead)");
	}

	@LocalServerPort
	int port;

	ChromeDriver browser;

	WebDriverWait wait;

	private final HttpClient http = HttpClient.newHttpClient();

	/** Headless chromium at 1280 x 900, driven through Debian's chromium-driver. */
	static ChromeDriver chromium() {
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	/**
	 * One browser for the class's tests: starting one costs about a second of both cores.
	 */
	static ChromeDriver shared;

	@BeforeEach
	void openBrowser() {
		if (shared == null) {
			shared = chromium();
		}
		this.browser = shared;
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(60));
	}

	/**
	 * Leaves the page, which closes its streams, and restores the window for the next
	 * test.
	 */
	@AfterEach
	void leavePage() {
		this.browser.get("about:blank");
		this.browser.manage().window().setSize(new Dimension(1280, 900));
	}

	@AfterAll
	static void closeBrowser() {
		if (shared != null) {
			shared.quit();
			shared = null;
		}
	}

	private void open(String hash) {
		this.browser.get("http://127.0.0.1:" + this.port + "/" + hash);
	}

	private WebElement waitFor(By by) {
		return this.wait.until(d -> {
			var found = d.findElements(by);
			return found.isEmpty() ? null : found.get(0);
		});
	}

	private void waitForText(By by, String text) {
		this.wait.until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(text)));
	}

	private void screenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path shot = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	private String submit(String request) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/training-jobs"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(request))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		return response.body().replaceAll(".*\"id\":\"([a-z0-9]+)\".*", "$1");
	}

	@Test
	void theLandingPageShowsRecentJobsAndEveryModel() throws Exception {
		String id = submit("{\"architecture\":\"seed-fc\",\"dataset\":\"mnist\",\"trainLimit\":256,\"testLimit\":64,"
				+ "\"modelName\":\"console-landing\"}");
		open("");
		waitForText(By.id("jobs"), id);
		waitForText(By.id("models"), "lenet-mnist");
		assertThat(this.browser.findElement(By.id("models")).getText()).contains("resnet9-cifar10");
	}

	@Test
	void aPresetStartsAJobWhoseProgressAndCurvesUpdateUntilItSucceeds() throws Exception {
		open("#/new");
		waitFor(By.cssSelector("[data-preset='quick-look']")).click();
		this.browser.findElement(By.id("f-modelName")).sendKeys("console-quick");
		this.browser.findElement(By.id("submit-job")).click();
		this.wait.until(d -> d.getCurrentUrl().contains("#/jobs/"));
		this.wait.until(d -> !d.findElements(By.cssSelector("[data-status='SUCCEEDED']")).isEmpty());
		WebElement loss = this.browser.findElement(By.cssSelector(".chart[aria-label^='Training loss']"));
		assertThat(Integer.parseInt(loss.getAttribute("data-points"))).as("points on the loss curve").isGreaterThan(1);
		WebElement accuracy = this.browser.findElement(By.cssSelector(".chart[aria-label^='Accuracy']"));
		assertThat(accuracy.getAttribute("data-points")).isEqualTo("2");
		screenshot("job");
		open("");
		waitForText(By.id("models"), "console-quick");
		screenshot("overview");
		// its model page has the confusion matrix of the job's last evaluation: a row per
		// class, 500 test images in all
		open("#/models/console-quick");
		waitForText(By.id("confusion"), "accuracy");
		var rows = this.browser.findElements(By.cssSelector("#confusion tbody tr"));
		assertThat(rows).hasSize(10);
		long counted = 0;
		for (WebElement row : rows) {
			var cells = row.findElements(By.tagName("td"));
			for (int c = 1; c <= 10; c++) {
				counted += Long.parseLong(cells.get(c).getText().replace(",", ""));
			}
		}
		assertThat(counted).isEqualTo(500);
	}

	@Test
	void aRunningJobCanBeCancelled() throws Exception {
		String id = submit("{\"architecture\":\"lenet\",\"dataset\":\"mnist\",\"epochs\":200,\"trainLimit\":2000,"
				+ "\"modelName\":\"console-cancel\"}");
		open("#/jobs/" + id);
		waitFor(By.cssSelector("button[aria-label='Cancel job " + id + "']")).click();
		this.wait.until(d -> !d.findElements(By.cssSelector("[data-status='CANCELLED']")).isEmpty());
	}

	@Test
	void anUploadedMnistDigitIsClassified() throws Exception {
		Path seven = Files.createTempFile("seven", ".png");
		Files.write(seven, TestUploads.sevenPng());
		open("#/classify?model=lenet-mnist");
		waitFor(By.id("file")).sendKeys(seven.toAbsolutePath().toString());
		WebElement top = waitFor(By.cssSelector("#results .label"));
		assertThat(top.getText()).isEqualTo("7");
		// the 28x28 crop the model was given is shown beside the answer
		WebElement input = waitFor(By.cssSelector("#results img.model-input"));
		this.wait.until(d -> Long.valueOf(28)
			.equals(((JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth;", input)));
		screenshot("classify");
		Files.delete(seven);
		// the system page now lists the model as loaded, with its predictor pool
		open("#/system");
		waitForText(By.id("pools"), "lenet-mnist");
		assertThat(this.browser.findElement(By.id("gpus")).getText()).contains("Resident memory");
	}

	@Test
	void aDigitDrawnOnTheCanvasGetsAnAnswer() {
		open("#/classify?model=lenet-mnist");
		WebElement canvas = waitFor(By.id("draw-canvas"));
		new Actions(this.browser).moveToElement(canvas, 0, -90)
			.clickAndHold()
			.moveByOffset(0, 60)
			.moveByOffset(0, 60)
			.moveByOffset(0, 60)
			.release()
			.perform();
		// the stroke is on the canvas: white pixels on the black background
		Long lit = (Long) ((JavascriptExecutor) this.browser).executeScript(
				"const d = arguments[0].getContext('2d').getImageData(0, 0, 280, 280).data;"
						+ " let n = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] > 128) n++; } return n;",
				canvas);
		assertThat(lit).as("pixels the pointer drew").isGreaterThan(500);
		this.browser.findElement(By.id("classify-drawing")).click();
		WebElement top = waitFor(By.cssSelector("#results .label"));
		assertThat(top.getText()).matches("[0-9]");
	}

	@Test
	void theLayerTableOfLenetShowsTheNotesShapes() throws IOException {
		open("#/models/lenet-mnist");
		waitForText(By.id("layer-table"), "Conv2d");
		assertThat(this.browser.findElement(By.id("layer-table")).getText()).contains("6 kernels 5x5x1")
			.contains("[6, 28, 28]")
			.contains("61,706");
		screenshot("model");
	}

	@Test
	void aValidationErrorShowsByItsField() {
		open("#/new");
		waitFor(By.id("f-batchSize")).sendKeys("0");
		this.browser.findElement(By.id("submit-job")).click();
		this.wait.until(d -> !d.findElement(By.id("e-batchSize")).getText().isBlank());
		assertThat(this.browser.findElement(By.id("e-batchSize")).getText()).contains("1");
	}

	@Test
	void atPhoneWidthNoPageScrollsSideways() {
		this.browser.manage().window().setSize(new Dimension(390, 844));
		for (String page : new String[] { "", "#/new", "#/classify", "#/models/lenet-mnist", "#/system" }) {
			open(page);
			waitFor(By.cssSelector("main h1"));
			long overflow = (Long) ((JavascriptExecutor) this.browser)
				.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
			assertThat(overflow).as("sideways scroll on '" + page + "'").isLessThanOrEqualTo(0);
			Object unlabelled = ((JavascriptExecutor) this.browser)
				.executeScript("return [...document.querySelectorAll('input, select, textarea, button, canvas')]"
						+ ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
						+ " && !e.textContent.trim()).map(e => e.outerHTML);");
			assertThat((java.util.List<?>) unlabelled).as("controls without a label on '" + page + "'").isEmpty();
		}
	}

	/**
	 * The console's own module, evaluated in the page: what {@code expression} returns.
	 */
	private Object inPage(String module, String expression) {
		return ((JavascriptExecutor) this.browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
				+ " import('" + module + "').then((m) => done(" + expression + "), (e) => done('failed: ' + e));");
	}

	/**
	 * Wraps the page's fetch: answers for URLs ending in {@code window.slowSuffix} arrive
	 * 3 s late, event streams are counted as they open ({@code window.streamsOpened}) and
	 * while the console keeps them ({@code window.streamsOpen}), and
	 * {@code window.dropStreams()} breaks the open ones as a lost connection would.
	 */
	private void wrapFetch() {
		((JavascriptExecutor) this.browser).executeScript("""
				const real = window.fetch;
				window.streamsOpened = 0;
				window.streamsOpen = 0;
				window.dropping = [];
				window.dropStreams = () => window.dropping.splice(0).forEach((c) => c.abort());
				window.fetch = async (input, init) => {
				  const url = String(input);
				  if (url.endsWith('/events')) {
				    const drop = new AbortController();
				    window.dropping.push(drop);
				    init.signal.addEventListener('abort', () => { window.streamsOpen--; drop.abort(); });
				    window.streamsOpened++;
				    window.streamsOpen++;
				    return real(input, { ...init, signal: drop.signal });
				  }
				  const response = await real(input, init);
				  if (window.slowSuffix && url.endsWith(window.slowSuffix)) {
				    await new Promise((r) => setTimeout(r, 3000));
				  }
				  return response;
				};""");
	}

	/**
	 * A lenet job long enough to outlast a test, shown on the overview, with the page's
	 * fetch wrapped (see {@link #wrapFetch}).
	 * @return the job's id
	 */
	private String longJobOnTheOverview(String modelName) throws Exception {
		String id = submit("{\"architecture\":\"lenet\",\"dataset\":\"mnist\",\"epochs\":200,\"trainLimit\":2000,"
				+ "\"modelName\":\"" + modelName + "\"}");
		open("");
		waitForText(By.id("jobs"), id);
		wrapFetch();
		return id;
	}

	@Test
	void aViewLeftWhileItLoadsIsNeverShownAndLeavesNoStreamOpen() throws Exception {
		String id = longJobOnTheOverview("console-overtaken");
		try {
			JavascriptExecutor page = (JavascriptExecutor) this.browser;
			page.executeScript("window.slowSuffix = '/api/v1/training-jobs/" + id + "'; location.hash = '#/jobs/" + id
					+ "'; setTimeout(() => { location.hash = '#/system'; }, 200);");
			waitForText(By.cssSelector("main h1"), "System");
			// past the moment the job's slow answer arrives
			Thread.sleep(4_000);
			assertThat(this.browser.findElements(By.cssSelector("main h1"))).extracting(WebElement::getText)
				.containsExactly("System");
			assertThat(page.executeScript("return window.streamsOpen;")).as("event streams the job view left open")
				.isEqualTo(0L);
		}
		finally {
			cancel(id);
		}
	}

	@Test
	void aDroppedEventStreamIsShownAndReconnects() throws Exception {
		String id = longJobOnTheOverview("console-dropped");
		try {
			((JavascriptExecutor) this.browser).executeScript("location.hash = '#/jobs/" + id + "';");
			this.wait.until(d -> !d.findElements(By.cssSelector("[data-status='RUNNING']")).isEmpty());
			JavascriptExecutor page = (JavascriptExecutor) this.browser;
			page.executeScript("window.dropStreams();");
			waitForText(By.id("stream-state"), "Live updates lost");
			this.wait.until(d -> ((Long) page.executeScript("return window.streamsOpened;")) >= 2);
			// the new stream's first event clears the notice
			this.wait.until(d -> d.findElement(By.id("stream-state")).getText().isEmpty());
			this.browser.findElement(By.cssSelector("button[aria-label='Cancel job " + id + "']")).click();
			this.wait.until(d -> !d.findElements(By.cssSelector("[data-status='CANCELLED']")).isEmpty());
		}
		finally {
			cancel(id);
		}
	}

	@Test
	void durationsRoundToWholeMinutesWithoutSixtyOfThem() {
		open("#/system");
		waitFor(By.cssSelector("main h1"));
		assertThat(inPage("/console/dom.js", "[7199, 3599, 5400, 59.6, 42].map(m.duration)"))
			.isEqualTo(java.util.List.of("2 h 0 min", "59 min 59 s", "1 h 30 min", "1 min 0 s", "42 s"));
	}

	@Test
	void theJobFormTakesItsFieldsRangesAndChoicesFromTheApiDocument() throws Exception {
		JsonNode fields = JsonMapper.builder()
			.build()
			.readTree(this.http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v3/api-docs")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body())
			.at("/components/schemas/TrainingRequest/properties");
		open("#/new");
		waitFor(By.id("job-form"));
		int checked = 0;
		for (var field : fields.properties()) {
			String name = field.getKey();
			JsonNode schema = field.getValue();
			if (name.equals("architecture") || name.equals("dataset")
					|| schema.path("description").asString().startsWith("kubernetes runner only")) {
				continue;
			}
			WebElement control = this.browser.findElement(By.id("f-" + name));
			if (schema.has("minimum")) {
				assertThat(control.getAttribute("min")).as(name + " min").isEqualTo(schema.get("minimum").asString());
			}
			if (schema.has("maximum")) {
				assertThat(control.getAttribute("max")).as(name + " max").isEqualTo(schema.get("maximum").asString());
			}
			if (schema.has("enum")) {
				var options = control.findElements(By.tagName("option")).stream().map(o -> o.getAttribute("value"));
				var expected = new java.util.ArrayList<String>(java.util.List.of(""));
				schema.get("enum").forEach(v -> expected.add(v.asString()));
				assertThat(options).as(name + " choices").containsExactlyElementsOf(expected);
			}
			checked++;
		}
		assertThat(checked).as("request fields on the form").isGreaterThanOrEqualTo(20);
	}

	private void cancel(String id) throws Exception {
		this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/training-jobs/" + id + "/cancel"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
