package io.ttastream.asr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the state dicts {@code torch.save} writes (pytorch_model.bin) in PyTorch's zip format
 * (the default since PyTorch 1.6): {@code <folder>/data.pkl} pickles the dict, each tensor as a
 * call to {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}, and each
 * storage is a persistent id {@code ('storage', torch.FloatStorage, key, device, numel)} whose
 * bytes lie, little-endian, in the entry {@code <folder>/data/<key>}.
 */
public final class PyTorchCheckpoints {

    /** A tensor storage in the archive, not read until a tensor that uses it is wanted. */
    private record Storage(String key, Safetensors.DType dtype, String dtypeName, long numel) {
    }

    /** A tensor as the pickle describes it: a strided view of a storage. */
    private record TensorView(Storage storage, long offset, int[] size, long[] stride) {
    }

    private PyTorchCheckpoints() {
    }

    /** Reads every tensor of the state dict, converted to float32, in the dict's order. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Reads the tensors whose names {@code include} accepts, converted to float32, in the dict's
     * order; the others are not read.
     *
     * @throws CheckpointException for a missing or non-zip file (the pre-1.6 legacy format), a
     *                             pickle that is not a state dict of tensors, or an included
     *                             tensor of a dtype other than float32, float16 or bfloat16
     */
    public static Map<String, HostTensor> read(Path file, Predicate<String> include) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("PyTorch checkpoint not found: " + file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String folder = archiveFolder(zip, file);
            Object root = Unpickler.load(readEntry(zip, folder + "data.pkl", file),
                    PyTorchCheckpoints::storage, PyTorchCheckpoints::call);
            if (!(root instanceof Map<?, ?> stateDict)) {
                throw new CheckpointException(file + ": data.pkl holds " + describe(root) + ", not a state dict");
            }
            Map<String, float[]> storages = new HashMap<>();
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : stateDict.entrySet()) {
                String name = String.valueOf(entry.getKey());
                if (!include.test(name)) {
                    continue;
                }
                if (!(entry.getValue() instanceof TensorView view)) {
                    throw new CheckpointException(file + ": entry " + name + " is " + describe(entry.getValue())
                            + ", not a tensor");
                }
                Storage storage = view.storage();
                if (storage.dtype() == null) {
                    throw new CheckpointException(file + ": tensor " + name + " has unsupported dtype "
                            + storage.dtypeName() + " (supported: FloatStorage, HalfStorage, BFloat16Storage)");
                }
                float[] values = storages.get(storage.key());
                if (values == null) {
                    values = readStorage(zip, folder, storage, file);
                    storages.put(storage.key(), values);
                }
                tensors.put(name, gather(values, view, name, file));
            }
            return tensors;
        } catch (ZipException e) {
            throw new CheckpointException(file + " is not a PyTorch zip checkpoint (the legacy pre-1.6 format is"
                    + " not supported; re-save it with a current torch.save): " + e.getMessage(), e);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    /** The archive's top folder (torch names it after the file; "archive/" in most). */
    private static String archiveFolder(ZipFile zip, Path file) throws CheckpointException {
        return zip.stream()
                .map(ZipEntry::getName)
                .filter(n -> n.endsWith("data.pkl") && n.indexOf('/') == n.length() - "data.pkl".length() - 1)
                .map(n -> n.substring(0, n.length() - "data.pkl".length()))
                .findFirst()
                .orElseThrow(() -> new CheckpointException(file + " has no <folder>/data.pkl: not a torch.save archive"));
    }

    private static byte[] readEntry(ZipFile zip, String name, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new CheckpointException(file + " lacks archive entry " + name);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** persistent_load: {@code ('storage', storage_type, key, location, numel)}. */
    private static Object storage(Object persistentId) {
        if (persistentId instanceof List<?> id && id.size() == 5 && "storage".equals(id.get(0))
                && id.get(1) instanceof Unpickler.Global type) {
            Safetensors.DType dtype = switch (type.name()) {
                case "FloatStorage" -> Safetensors.DType.F32;
                case "HalfStorage" -> Safetensors.DType.F16;
                case "BFloat16Storage" -> Safetensors.DType.BF16;
                default -> null; // reported only if a wanted tensor uses it
            };
            return new Storage(String.valueOf(id.get(2)), dtype, type.name(), ((Number) id.get(4)).longValue());
        }
        throw new IllegalStateException("unsupported persistent id " + persistentId);
    }

    /** The calls a state dict pickle makes: build an OrderedDict, rebuild a tensor or parameter. */
    private static Object call(Unpickler.Global global, List<Object> args) throws IOException {
        switch (global.toString()) {
            case "collections.OrderedDict" -> {
                return new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (!(args.get(0) instanceof Storage storage)) {
                    throw new IOException("_rebuild_tensor_v2 without a storage: " + args.get(0));
                }
                List<?> size = (List<?>) args.get(2);
                List<?> stride = (List<?>) args.get(3);
                int[] shape = new int[size.size()];
                long[] strides = new long[stride.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = Math.toIntExact(((Number) size.get(i)).longValue());
                    strides[i] = ((Number) stride.get(i)).longValue();
                }
                return new TensorView(storage, ((Number) args.get(1)).longValue(), shape, strides);
            }
            case "torch._utils._rebuild_parameter" -> { // (data, requires_grad, backward_hooks)
                return args.get(0);
            }
            default -> throw new IOException("unsupported pickle global " + global
                    + " (only state dicts of tensors can be read)");
        }
    }

    private static float[] readStorage(ZipFile zip, String folder, Storage storage, Path file) throws IOException {
        byte[] bytes = readEntry(zip, folder + "data/" + storage.key(), file);
        if (bytes.length != storage.numel() * storage.dtype().bytes) {
            throw new CheckpointException(file + ": storage " + storage.key() + " has " + bytes.length
                    + " bytes, expected " + storage.numel() + " elements of " + storage.dtype());
        }
        float[] values = new float[Math.toIntExact(storage.numel())];
        Safetensors.decode(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), storage.dtype(), values);
        return values;
    }

    /** Copies a strided view of a storage into a new row-major tensor. */
    private static HostTensor gather(float[] storage, TensorView view, String name, Path file) throws CheckpointException {
        int[] shape = view.size();
        int rank = shape.length;
        long count = 1;
        long lastIndex = view.offset();
        for (int d = 0; d < rank; d++) {
            count *= shape[d];
            lastIndex += (long) (shape[d] - 1) * view.stride()[d];
        }
        if (count > 0 && (view.offset() < 0 || lastIndex >= storage.length)) {
            throw new CheckpointException(file + ": tensor " + name + " " + Arrays.toString(shape)
                    + " reaches past the end of its storage");
        }
        float[] data = new float[Math.toIntExact(count)];
        int[] index = new int[rank];
        long source = view.offset();
        for (int i = 0; i < data.length; i++) {
            data[i] = storage[(int) source];
            // Advance the multi-index like an odometer, moving the storage position by the strides.
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                source += view.stride()[d];
                if (index[d] < shape[d]) {
                    break;
                }
                source -= (long) shape[d] * view.stride()[d];
                index[d] = 0;
            }
        }
        return new HostTensor(shape, data);
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName();
    }
}
