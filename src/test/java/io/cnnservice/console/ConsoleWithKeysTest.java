package io.cnnservice.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

import io.cnnservice.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
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
class ConsoleWithKeysTest {

	static final Path STORE = TestStores.copyOfShipped("cnn-console-keys");

	static final String KEY = "console-key-1";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		TestStores.register(registry, STORE);
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

	@AfterAll
	static void cleanUp() throws Exception {
		TestStores.delete(STORE);
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

}
