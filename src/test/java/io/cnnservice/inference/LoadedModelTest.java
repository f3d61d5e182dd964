package io.cnnservice.inference;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.ModelStoreProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The predictor pool of the shipped model, on the real engine. */
class LoadedModelTest {

	@Test
	void aBusyPoolRefusesInsteadOfSharingAPredictorAndRecovers() throws Exception {
		EngineRuntime runtime = new EngineRuntime(
				new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));
		ModelStore store = new ModelStore(new ModelStoreProperties(Path.of("model-store")),
				JsonMapper.builder().findAndAddModules().build());
		ModelMetadata metadata = store.latest("lenet-mnist");
		LoadedModel model = new LoadedModel(metadata, store.versionDir("lenet-mnist", metadata.version()),
				new ArchitectureCatalog(runtime), runtime.device(), 1);
		try {
			// a batch big enough to keep the only predictor busy for a while
			CompletableFuture<float[]> busy = CompletableFuture
				.supplyAsync(() -> predict(model, new float[8192 * 784], 10_000));
			while (model.idlePredictors() > 0 && !busy.isDone()) {
				Thread.onSpinWait();
			}
			assertThatThrownBy(() -> model.predict(new float[784], 1, 1)).isInstanceOf(PoolSaturatedException.class)
				.hasMessageContaining("lenet-mnist");
			assertThat(busy.get()).hasSize(8192 * 10);
			assertThat(model.idlePredictors()).isEqualTo(1);
			float[] one = model.predict(new float[784], 1000, 1);
			float sum = 0;
			for (float p : one) {
				sum += p;
			}
			assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
		}
		finally {
			model.close();
		}
		assertThat(model.retain()).isFalse();
	}

	private static float[] predict(LoadedModel model, float[] input, long timeout) {
		try {
			return model.predict(input, timeout, 1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
