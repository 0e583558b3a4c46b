import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac's own parser over many files in one JVM (codegen property test): for each file listed
 * in args[0], "OK <tab> shape" (the syntax tree's node kinds and names, string literals
 * abstracted) or "ERR <tab> message". Usage: java JavaShape.java LISTFILE
 */
public class JavaShape {
    public static void main(String[] args) throws Exception {
        List<String> files = Files.readAllLines(Path.of(args[0]));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) javac.getTask(null, fm, diags, List.of("-proc:none", "-encoding", "UTF-8"), null, fm.getJavaFileObjectsFromStrings(files));
        Map<String, StringBuilder> shapes = new HashMap<>();
        for (CompilationUnitTree unit : task.parse()) {
            StringBuilder shape = new StringBuilder();
            new TreeScanner<Void, Void>() {
                @Override
                public Void scan(Tree t, Void v) {
                    if (t == null) return null;
                    shape.append(t.getKind()).append(' ');
                    if (t instanceof IdentifierTree) shape.append(((IdentifierTree) t).getName()).append(' ');
                    if (t instanceof MemberSelectTree) shape.append(((MemberSelectTree) t).getIdentifier()).append(' ');
                    if (t instanceof MethodTree) shape.append(((MethodTree) t).getName()).append(' ');
                    if (t instanceof ClassTree) shape.append(((ClassTree) t).getSimpleName()).append(' ');
                    if (t instanceof VariableTree) shape.append(((VariableTree) t).getName()).append(' ');
                    if (t instanceof LiteralTree && t.getKind() != Tree.Kind.STRING_LITERAL) shape.append(((LiteralTree) t).getValue()).append(' ');
                    return super.scan(t, v);
                }
            }.scan(unit, null);
            shapes.put(Path.of(unit.getSourceFile().toUri()).toString(), shape);
        }
        Map<String, String> errors = new HashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR || d.getSource() == null) continue;
            errors.merge(Path.of(d.getSource().toUri()).toString(), "line " + d.getLineNumber() + ": " + d.getMessage(null), (a, b) -> a + " | " + b);
        }
        StringBuilder out = new StringBuilder();
        for (String f : files) {
            String key = Path.of(f).toAbsolutePath().toString();
            String err = errors.get(key);
            StringBuilder shape = shapes.get(key);
            if (err != null || shape == null) out.append(f).append("\tERR\t").append(String.valueOf(err).replaceAll("[\\r\\n\\t]", " "));
            else out.append(f).append("\tOK\t").append(shape.toString().replaceAll("[\\r\\n\\t]", " "));
            out.append('\n');
        }
        System.out.print(out);
    }
}
