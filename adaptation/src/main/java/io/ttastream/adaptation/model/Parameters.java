package io.ttastream.adaptation.model;

import io.ttastream.asr.HostTensor;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The model's parameter tensors on a backend, keyed by their Hugging Face names
 * ("wav2vec2.encoder.layers.0.layer_norm.weight"). Adaptation reads and writes them in place.
 */
public final class Parameters {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Uploads every host tensor to the backend. */
    public static Parameters upload(Backend backend, Map<String, HostTensor> host) {
        Parameters parameters = new Parameters();
        host.forEach((name, t) -> parameters.tensors.put(name, backend.fromArray(t.data(), t.shape())));
        return parameters;
    }

    /** The named tensor; fails loudly when the checkpoint lacks it. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("model parameter missing: " + name);
        }
        return t;
    }

    /** The named tensor, or null when this model has none (an optional bias). */
    public Tensor getOptional(String name) {
        return tensors.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** Downloads the named tensors to the host (for snapshots and export). */
    public Map<String, HostTensor> download(Iterable<String> names) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : names) {
            Tensor t = get(name);
            out.put(name, new HostTensor(t.shape(), t.toArray()));
        }
        return out;
    }
}
