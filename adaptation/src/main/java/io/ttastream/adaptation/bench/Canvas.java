package io.ttastream.adaptation.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The few drawing operations the WER plot needs, so that one layout ({@link WerPlot}) renders to
 * both a PNG ({@link Raster}) and inline SVG ({@link Svg}).
 */
interface Canvas {

    enum Anchor { START, MIDDLE, END }

    void fillRect(double x, double y, double width, double height, Color fill);

    void line(double x1, double y1, double x2, double y2, Color color, float width, boolean dashed);

    /** A polyline; {@code title} is shown on hover where the format can (SVG). */
    void polyline(double[] xs, double[] ys, Color color, float width, String title);

    /** Text whose baseline is at y, anchored at x. */
    void text(String text, double x, double y, Color color, int size, Anchor anchor);

    /** Draws onto a BufferedImage with java.awt (no display needed: runs headless). */
    final class Raster implements Canvas {
        static {
            // Only off-screen drawing happens here; never try to reach a display.
            if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        }

        private final BufferedImage image;
        private final Graphics2D g;

        Raster(int width, int height) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            fillRect(0, 0, width, height, Color.WHITE);
        }

        BufferedImage image() {
            g.dispose();
            return image;
        }

        @Override
        public void fillRect(double x, double y, double width, double height, Color fill) {
            g.setColor(fill);
            g.fill(new Rectangle2D.Double(x, y, width, height));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, Color color, float width, boolean dashed) {
            g.setColor(color);
            g.setStroke(dashed ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[]{4, 3}, 0)
                    : new BasicStroke(width));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void polyline(double[] xs, double[] ys, Color color, float width, String title) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < xs.length; i++) {
                if (i == 0) path.moveTo(xs[i], ys[i]);
                else path.lineTo(xs[i], ys[i]);
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
        }

        @Override
        public void text(String text, double x, double y, Color color, int size, Anchor anchor) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            int width = g.getFontMetrics().stringWidth(text);
            double left = switch (anchor) {
                case START -> x;
                case MIDDLE -> x - width / 2.0;
                case END -> x - width;
            };
            g.setColor(color);
            g.drawString(text, (float) left, (float) y);
        }
    }

    /** Writes SVG elements into a string. */
    final class Svg implements Canvas {
        private final StringBuilder out = new StringBuilder();

        Svg(int width, int height) {
            out.append(String.format(Locale.ROOT,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                            + "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                    width, height, width, height));
        }

        String finish() {
            return out.append("</svg>\n").toString();
        }

        @Override
        public void fillRect(double x, double y, double width, double height, Color fill) {
            out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>\n",
                    x, y, width, height, paint("fill", fill)));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, Color color, float width, boolean dashed) {
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s stroke-width=\"%.1f\"%s/>\n",
                    x1, y1, x2, y2, paint("stroke", color), width, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        }

        @Override
        public void polyline(double[] xs, double[] ys, Color color, float width, String title) {
            out.append("<polyline fill=\"none\" ").append(paint("stroke", color))
                    .append(String.format(Locale.ROOT, " stroke-width=\"%.1f\" stroke-linejoin=\"round\" points=\"", width));
            for (int i = 0; i < xs.length; i++) {
                out.append(String.format(Locale.ROOT, i == 0 ? "%.1f,%.1f" : " %.1f,%.1f", xs[i], ys[i]));
            }
            out.append("\"><title>").append(escape(title)).append("</title></polyline>\n");
        }

        @Override
        public void text(String text, double x, double y, Color color, int size, Anchor anchor) {
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" %s>%s</text>\n",
                    x, y, size, anchor == Anchor.START ? "start" : anchor == Anchor.MIDDLE ? "middle" : "end",
                    paint("fill", color), escape(text)));
        }

        private static String paint(String attribute, Color color) {
            String rgb = String.format("%s=\"#%02x%02x%02x\"", attribute, color.getRed(), color.getGreen(), color.getBlue());
            return color.getAlpha() == 255 ? rgb
                    : rgb + String.format(Locale.ROOT, " %s-opacity=\"%.3f\"", attribute, color.getAlpha() / 255.0);
        }

        static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
