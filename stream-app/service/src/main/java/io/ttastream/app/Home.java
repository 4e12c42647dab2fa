package io.ttastream.app;

import java.nio.file.Path;

/** The project checkout the CLI runs from (bin/tta passes it as -Dtta.home), for bundled files. */
final class Home {
    private Home() {
    }

    static Path path(String first, String... more) {
        return Path.of(System.getProperty("tta.home", "."), first).resolve(Path.of("", more)).normalize();
    }
}
