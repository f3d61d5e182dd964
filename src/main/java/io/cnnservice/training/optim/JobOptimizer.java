package io.cnnservice.training.optim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.cnnservice.training.api.TrainingRequest;

/**
 * The optimizers jobs train with: DJL's Adam and SGD updates, through the same engine
 * kernels, with state the service can save in a checkpoint and restore. DJL's own
 * optimizers keep their moments and update counts private.
 * <p>
 * State is kept per parameter id while training and saved by parameter name, since ids
 * are new in every process.
 */
public abstract sealed class JobOptimizer extends Optimizer implements AutoCloseable
		permits JobOptimizer.Adam, JobOptimizer.Sgd {

	private final NDManager manager;

	final Tracker schedule;

	private final Map<String, Integer> counts = new HashMap<>();

	private final Map<String, NDArray[]> states = new HashMap<>();

	private final int statesPerParameter;

	/** DJL's update number: the largest count of any parameter. */
	private int updates;

	/**
	 * @param manager owns the state arrays; closed with this optimizer
	 * @param schedule the learning rate by update number
	 * @param weightDecay L2 penalty
	 * @param statesPerParameter state arrays each parameter carries
	 */
	JobOptimizer(NDManager manager, Tracker schedule, float weightDecay, int statesPerParameter) {
		super(new Settings().optWeightDecays(weightDecay));
		this.manager = manager;
		this.schedule = schedule;
		this.statesPerParameter = statesPerParameter;
	}

	/** The optimizer a request's settings (defaults filled in) ask for. */
	public static JobOptimizer of(TrainingRequest.Optimization settings, NDManager manager, Tracker schedule) {
		float wd = settings.weightDecay().floatValue();
		return switch (settings.optimizer()) {
			case SGD -> new Sgd(manager, schedule, wd, settings.momentum().floatValue());
			case ADAM -> new Adam(manager, schedule, wd);
		};
	}

	/** Counts an update of the parameter and returns the update number, as DJL does. */
	final int updateNumber(String parameterId) {
		int count = this.counts.merge(parameterId, 1, Integer::sum);
		this.updates = Math.max(this.updates, count);
		return this.updates;
	}

	/** The parameter's state arrays, zeros at first, as DJL's optimizers start them. */
	final NDArray[] state(String parameterId, NDArray weight) {
		return this.states.computeIfAbsent(parameterId, (id) -> {
			NDArray[] s = new NDArray[this.statesPerParameter];
			for (int i = 0; i < s.length; i++) {
				s[i] = this.manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
			}
			return s;
		});
	}

	/** Updates done so far. */
	int updates() {
		return this.updates;
	}

	/**
	 * Writes the update count and every parameter's count and state.
	 * @param names parameter names by id
	 */
	public void save(DataOutputStream out, Map<String, String> names) throws IOException {
		out.writeInt(this.updates);
		Map<String, String> saved = new LinkedHashMap<>();
		for (Map.Entry<String, String> e : names.entrySet()) {
			if (this.counts.containsKey(e.getKey())) {
				saved.put(e.getKey(), e.getValue());
			}
		}
		out.writeInt(saved.size());
		for (Map.Entry<String, String> e : saved.entrySet()) {
			out.writeUTF(e.getValue());
			out.writeInt(this.counts.get(e.getKey()));
			NDArray[] s = this.states.getOrDefault(e.getKey(), new NDArray[0]);
			out.writeInt(s.length);
			for (NDArray array : s) {
				byte[] bytes = array.encode();
				out.writeInt(bytes.length);
				out.write(bytes);
			}
		}
	}

	/**
	 * Reads what {@link #save} wrote.
	 * @param ids parameter ids by name, in this process
	 */
	public void restore(DataInputStream in, Map<String, String> ids) throws IOException {
		this.updates = in.readInt();
		int parameters = in.readInt();
		for (int p = 0; p < parameters; p++) {
			String name = in.readUTF();
			String id = ids.get(name);
			if (id == null) {
				throw new IOException("the checkpoint has optimizer state for an unknown parameter " + name);
			}
			this.counts.put(id, in.readInt());
			NDArray[] s = new NDArray[in.readInt()];
			for (int i = 0; i < s.length; i++) {
				byte[] bytes = new byte[in.readInt()];
				in.readFully(bytes);
				s[i] = this.manager.decode(bytes);
			}
			if (s.length > 0) {
				this.states.put(id, s);
			}
		}
	}

	@Override
	public void close() {
		this.manager.close();
	}

	/** DJL's builder, only to carry the weight decay into {@link Optimizer}. */
	private static final class Settings extends OptimizerBuilder<Settings> {

		@Override
		protected Settings self() {
			return this;
		}

	}

	/** Adam with DJL's defaults (beta1 0.9, beta2 0.999, epsilon 1e-8). */
	public static final class Adam extends JobOptimizer {

		static final float BETA1 = 0.9f;

		static final float BETA2 = 0.999f;

		static final float EPSILON = 1e-8f;

		public Adam(NDManager manager, Tracker schedule, float weightDecay) {
			super(manager, schedule, weightDecay, 2);
		}

		@Override
		public void update(String parameterId, NDArray weight, NDArray grad) {
			int t = updateNumber(parameterId);
			double coef1 = 1.0 - Math.pow(BETA1, t);
			double coef2 = 1.0 - Math.pow(BETA2, t);
			float learningRate = this.schedule.getNewValue(parameterId, t);
			float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
			NDArray[] moments = state(parameterId, weight);
			weight.getNDArrayInternal()
				.adamUpdate(new NDList(weight, grad, moments[0], moments[1]), new NDList(weight), learningRate,
						corrected, getWeightDecay(), this.rescaleGrad, this.clipGrad, BETA1, BETA2, EPSILON, true,
						false);
		}

	}

	/** SGD, with a momentum buffer unless the momentum is 0. */
	public static final class Sgd extends JobOptimizer {

		private final float momentum;

		public Sgd(NDManager manager, Tracker schedule, float weightDecay, float momentum) {
			super(manager, schedule, weightDecay, (momentum != 0f) ? 1 : 0);
			this.momentum = momentum;
		}

		@Override
		public void update(String parameterId, NDArray weight, NDArray grad) {
			float learningRate = this.schedule.getNewValue(parameterId, updateNumber(parameterId));
			NDList inputs = (this.momentum != 0f) ? new NDList(weight, grad, state(parameterId, weight)[0])
					: new NDList(weight, grad);
			weight.getNDArrayInternal()
				.sgdUpdate(inputs, new NDList(weight), learningRate, getWeightDecay(), this.rescaleGrad, this.clipGrad,
						this.momentum, true);
		}

	}

}
