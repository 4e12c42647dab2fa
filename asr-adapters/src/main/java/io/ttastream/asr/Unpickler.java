package io.ttastream.asr;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Just enough of Python's pickle virtual machine to read the data.pkl that {@code torch.save}
 * writes for a state dict (protocol 2, as torch uses, and the opcodes of protocols 3 to 5 that
 * could appear). It builds plain Java values: str as String, int as Long, float as Double,
 * tuple and list as List, dict as LinkedHashMap, None as null. Class references become
 * {@link Global}s, and the two hooks a caller supplies give meaning to persistent ids (torch's
 * tensor storages) and to calls of a global (torch's tensor rebuild functions). Nothing is ever
 * imported or executed, so a hostile file can at worst fail to parse.
 */
final class Unpickler {

    /** A reference to a Python class or function, {@code module.name}. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Gives meaning to a call {@code global(*args)} (pickle's REDUCE); throws for calls it does not know. */
    interface Calls {
        Object call(Global global, List<Object> args) throws IOException;
    }

        private final ByteBuffer in;
    private final Function<Object, Object> persistentLoad;
    private final Calls calls;
    private final List<Object> stack = new ArrayList<>();
    /** Stack heights at each open MARK, innermost last. */
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(byte[] pickle, Function<Object, Object> persistentLoad, Calls calls) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
        this.calls = calls;
    }

    /** Runs the pickle program and returns the object it builds. */
    static Object load(byte[] pickle, Function<Object, Object> persistentLoad, Calls calls) throws IOException {
        try {
            return new Unpickler(pickle, persistentLoad, calls).run();
        } catch (BufferUnderflowException e) {
            throw new IOException("pickle ends early", e);
        } catch (IndexOutOfBoundsException | ClassCastException e) {
            throw new IOException("malformed pickle: " + e.getMessage(), e);
        }
    }

    private Object run() throws IOException {
        while (true) {
            int opcode = in.get() & 0xff;
            switch (opcode) {
                case 0x80 -> in.get();                                   // PROTO: version byte
                case 0x95 -> in.getLong();                               // FRAME: a length hint
                case '.' -> {                                            // STOP
                    return pop();
                }
                case '(' -> marks.add(stack.size());                     // MARK
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.getInt());                    // BININT
                case 'K' -> push((long) (in.get() & 0xff));              // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff));       // BININT2
                case 0x8a -> push(readLong(in.get() & 0xff));            // LONG1
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT: big-endian
                case 'X' -> push(readString(in.getInt()));               // BINUNICODE
                case 0x8c -> push(readString(in.get() & 0xff));          // SHORT_BINUNICODE
                case 'T' -> push(readString(in.getInt()));               // BINSTRING
                case 'U' -> push(readString(in.get() & 0xff));           // SHORT_BINSTRING
                case 'c' -> push(new Global(readLine(), readLine()));    // GLOBAL
                case 0x93 -> {                                           // STACK_GLOBAL
                    String name = (String) pop();
                    push(new Global((String) pop(), name));
                }
                case ')' -> push(List.of());
                case 't' -> push(tupleOf(popMark()));
                case 0x85 -> push(tupleOf(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    push(tupleOf(Arrays.asList(pop(), b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    push(tupleOf(Arrays.asList(pop(), b, c)));
                }
                case ']' -> push(new ArrayList<>());
                case 'a' -> {                                            // APPEND
                    Object item = pop();
                    list(peek()).add(item);
                }
                case 'e' -> {                                            // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>());
                case 's' -> {                                            // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key, value);
                }
                case 'u' -> {                                            // SETITEMS
                    List<Object> items = popMark();
                    Map<Object, Object> dict = dict(peek());
                    for (int i = 0; i < items.size(); i += 2) {
                        dict.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'Q' -> push(persistentLoad.apply(pop()));     // BINPERSID
                case 'R' -> {                                            // REDUCE: callable(*args)
                    Object args = pop();
                    Object callable = pop();
                    if (!(callable instanceof Global global) || !(args instanceof List<?> list)) {
                        throw new IOException("pickle calls something that is not a global: " + callable);
                    }
                    @SuppressWarnings("unchecked")
                    List<Object> argList = (List<Object>) list;
                    push(calls.call(global, argList));
                }
                case 0x81 -> {                                           // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop();
                    Object cls = pop();
                    @SuppressWarnings("unchecked")
                    List<Object> argList = (List<Object>) args;
                    push(calls.call((Global) cls, argList));
                }
                case 'b' -> pop();                                 // BUILD: object state (a state dict's _metadata); not needed
                case 'q' -> memo.put((long) (in.get() & 0xff), peek());   // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());  // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek());        // MEMOIZE
                case 'h' -> push(memoGet(in.get() & 0xff));                     // BINGET
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));           // LONG_BINGET
                default -> throw new IOException(String.format("unsupported pickle opcode 0x%02x at byte %d",
                        opcode, in.position() - 1));
            }
        }
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private Object memoGet(long index) throws IOException {
        if (!memo.containsKey(index)) {
            throw new IOException("pickle reads memo slot " + index + " before writing it");
        }
        return memo.get(index);
    }

    /** Pops everything above the innermost MARK, oldest first. */
    private List<Object> popMark() throws IOException {
        if (marks.isEmpty()) {
            throw new IOException("pickle pops a MARK it never set");
        }
        List<Object> top = stack.subList(marks.remove(marks.size() - 1), stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    /** An immutable tuple; Python's None elements are allowed. */
    private static List<Object> tupleOf(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) throws IOException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IOException("pickle appends to a " + o);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new IOException("pickle sets an item on a " + o);
    }

    private long readLong(int length) throws IOException {
        byte[] littleEndian = new byte[length];
        in.get(littleEndian);
        byte[] bigEndian = new byte[length];
        for (int i = 0; i < length; i++) {
            bigEndian[i] = littleEndian[length - 1 - i];
        }
        BigInteger value = length == 0 ? BigInteger.ZERO : new BigInteger(bigEndian);
        if (value.bitLength() > 63) {
            throw new IOException("pickle integer too large: " + value);
        }
        return value.longValue();
    }

    private String readString(int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String readLine() {
        StringBuilder line = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
