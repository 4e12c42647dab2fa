package io.ttastream.adaptation.model;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient buffers for the parameters being trained, and nothing else: the backward asks
 * {@link #of(String)} for each parameter gradient and skips those that answer null.
 */
public final class Gradients {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Backend backend;

    public Gradients(Backend backend, Parameters parameters, Collection<String> trainable) {
        this.backend = backend;
        for (String name : trainable) {
            tensors.put(name, backend.allocate(parameters.get(name).shape()));
        }
    }

    /** The gradient buffer of a trained parameter, or null when it is not trained. */
    public Tensor of(String parameterName) {
        return tensors.get(parameterName);
    }

    /** True when any trained parameter's name starts with the prefix. */
    public boolean anyUnder(String prefix) {
        for (String name : tensors.keySet()) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public void zero() {
        tensors.values().forEach(t -> backend.fill(t, 0f));
    }

    /** True when every gradient element is finite (one check for all tensors: one host round trip on a GPU). */
    public boolean allFinite() {
        return backend.allFinite(List.copyOf(tensors.values()));
    }
}
