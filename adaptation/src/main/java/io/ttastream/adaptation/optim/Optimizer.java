package io.ttastream.adaptation.optim;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Parameters;

/** Updates the trained parameters in place from their gradients. */
public interface Optimizer {
    void step(Parameters parameters, Gradients gradients);

    /** Forgets all state (moments, step count): the optimizer as freshly built. */
    void reset();
}
