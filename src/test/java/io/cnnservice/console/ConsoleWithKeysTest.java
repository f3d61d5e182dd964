package io.cnnservice.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;

import io.cnnservice.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console against a service that requires keys: it asks for one, keeps it in the
 * tab's sessionStorage and sends it as a bearer token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class ConsoleWithKeysTest {

	static final String KEY = "console-key-1";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		registry.add("cnn.security.api-keys[0].name", () -> "teacher");
		registry.add("cnn.security.api-keys[0].roles", () -> "read,infer,train");
		String digest = HexFormat.of()
			.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(KEY.getBytes()));
		registry.add("cnn.security.api-keys[0].sha256", () -> digest);
	}

	@BeforeAll
	static void needsABrowser() {
		ConsoleBrowserTest.needsABrowser();
	}

	@LocalServerPort
	int port;

	ChromeDriver browser;

	@BeforeEach
	void openBrowser() {
		this.browser = ConsoleBrowserTest.chromium();
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void theConsoleAsksForAKeyAndSendsIt() {
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "An API key is needed"));
		this.browser.findElement(By.cssSelector("#view button")).click();
		wait.until(ExpectedConditions.alertIsPresent()).sendKeys(KEY);
		this.browser.switchTo().alert().accept();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("models"), "lenet-mnist"));
		assertThat(((JavascriptExecutor) this.browser)
			.executeScript("return sessionStorage.getItem('cnn-service-api-key');")).isEqualTo(KEY);
		// and the key goes with a classify too
		this.browser.get("http://127.0.0.1:" + this.port + "/#/system");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Engine"));
	}

	@Test
	void aRefusedKeyOnTheOverviewLeadsToTheKeyPromptNotAnAlert() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		String base = "http://127.0.0.1:" + this.port;
		HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/training-jobs"))
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"architecture\":\"lenet\",\"dataset\":\"mnist\","
					+ "\"epochs\":200,\"trainLimit\":2000,\"modelName\":\"console-refused\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
		String id = submitted.body().replaceAll(".*\"id\":\"([a-z0-9]+)\".*", "$1");
		try {
			WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
			this.browser.get(base + "/");
			JavascriptExecutor page = (JavascriptExecutor) this.browser;
			page.executeScript("sessionStorage.setItem('cnn-service-api-key', arguments[0]);", KEY);
			this.browser.navigate().refresh();
			By cancel = By.cssSelector("button[aria-label='Cancel job " + id + "']");
			wait.until(ExpectedConditions.elementToBeClickable(cancel));
			// the key is revoked while the page is open, and the next thing the user does
			// is
			// cancel the job
			page.executeScript("sessionStorage.setItem('cnn-service-api-key', 'revoked-key'); arguments[0].click();",
					this.browser.findElement(cancel));
			wait.until(d -> {
				try {
					d.switchTo().alert();
					return true;
				}
				catch (NoAlertPresentException ex) {
					return !d.findElements(By.id("key-needed")).isEmpty();
				}
			});
			assertThat(ExpectedConditions.alertIsPresent().apply(this.browser)).as("an alert").isNull();
			assertThat(this.browser.findElement(By.id("key-needed")).getText()).contains("An API key is needed");
		}
		finally {
			http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/training-jobs/" + id + "/cancel"))
				.header("Authorization", "Bearer " + KEY)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		}
	}

}
