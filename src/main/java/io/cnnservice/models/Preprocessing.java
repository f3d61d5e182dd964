package io.cnnservice.models;

import java.util.Arrays;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input preparation a model was trained with, which serving repeats for every upload.
 * Equal preparations are equal by content, arrays included.
 *
 * @param colorMode {@code grayscale} or {@code rgb}
 * @param mean per-channel mean subtracted from pixels scaled to [0, 1]
 * @param std per-channel standard deviation divided by
 * @param background {@code dark} when training images are light content on a dark
 * background (like MNIST), else {@code light}
 * @param pixelPermutation for models trained with permuted pixels: output pixel i of each
 * channel plane is input pixel {@code pixelPermutation[i]}
 * @param testTimeFlip true when a prediction is the mean of the logits for the image and
 * its mirror image, as in the training job's evaluation; absent means false
 * @param testTimeShift pixels by which the image is also moved up, down, left and right
 * before the logits are averaged; absent means none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Preprocessing(String colorMode, float[] mean, float[] std, String background, int[] pixelPermutation,
		Boolean testTimeFlip, Integer testTimeShift) {

	/** The views each prediction averages over, as the training job evaluated. */
	public TestTimeViews views() {
		return TestTimeViews.of(this.testTimeFlip, this.testTimeShift);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Preprocessing p && Objects.equals(this.colorMode, p.colorMode)
				&& Arrays.equals(this.mean, p.mean) && Arrays.equals(this.std, p.std)
				&& Objects.equals(this.background, p.background)
				&& Arrays.equals(this.pixelPermutation, p.pixelPermutation)
				&& Objects.equals(this.testTimeFlip, p.testTimeFlip)
				&& Objects.equals(this.testTimeShift, p.testTimeShift);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.colorMode, Arrays.hashCode(this.mean), Arrays.hashCode(this.std), this.background,
				Arrays.hashCode(this.pixelPermutation), this.testTimeFlip, this.testTimeShift);
	}

	@Override
	public String toString() {
		return "Preprocessing[" + this.colorMode + ", mean=" + Arrays.toString(this.mean) + ", std="
				+ Arrays.toString(this.std) + ", background=" + this.background
				+ ((this.pixelPermutation != null) ? ", permuted" : "") + ", views=" + views() + "]";
	}

}
