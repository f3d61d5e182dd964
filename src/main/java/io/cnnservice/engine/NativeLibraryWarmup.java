package io.cnnservice.engine;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;

/**
 * Loads the PyTorch engine once and exits, so a container image build can unpack the
 * native library into the DJL cache and start-up never has to.
 */
public final class NativeLibraryWarmup {

	private NativeLibraryWarmup() {
	}

	public static void main(String[] args) {
		Engine engine = Engine.getEngine(EngineRuntime.ENGINE_NAME);
		System.out.println(
				engine.getEngineName() + " " + engine.getVersion() + " unpacked into " + Utils.getEngineCacheDir());
	}

}
