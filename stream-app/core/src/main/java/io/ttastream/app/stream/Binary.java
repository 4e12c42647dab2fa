package io.ttastream.app.stream;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The small binary codecs of the records the pipeline stores and repartitions, as Kafka serdes. */
final class Binary {

    interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private Binary() {
    }

    /** A serde that writes with {@code writer} and reads with {@code reader}; null stays null (a deletion). */
    static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                writer.write(value, out);
            } catch (IOException e) {
                throw new SerializationException(e);
            }
            return bytes.toByteArray();
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode a record of topic " + topic, e);
            }
        });
    }

    /** Length-prefixed UTF-8 (not writeUTF, which stops at 64 KiB); null is written as length -1. */
    static void writeString(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : new String(readExactly(in, length), StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        return readExactly(in, in.readInt());
    }

    private static byte[] readExactly(DataInputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("truncated record: expected " + length + " bytes, got " + bytes.length);
        }
        return bytes;
    }
}
