<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ColourBar</name>
    <message>
        <source>Colour range: {0} to {1} {2} (1st to 99th percentile; beyond them the end colours)</source>
        <translation>色の範囲：{0}～{1} {2}（1～99 パーセンタイル。範囲外は両端の色）</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>blend {0}% {1} · {2}% {3}</source>
        <translation>ブレンド {1} {0}% · {3} {2}%</translation>
    </message>
    <message>
        <source>blend of {0} and {1}</source>
        <translation>{0} と {1} のブレンド</translation>
    </message>
    <message>
        <source>surprise</source>
        <translation>サプライズ</translation>
    </message>
    <message>
        <source>seed {0}</source>
        <translation>シード {0}</translation>
    </message>
    <message>
        <source>temp. {0}</source>
        <translation>温度 {0}</translation>
    </message>
    <message>
        <source>sweep of dim {0}</source>
        <translation>次元 {0} のスイープ</translation>
    </message>
    <message>
        <source>sweep of one latent dimension</source>
        <translation>潜在次元 1 つのスイープ</translation>
    </message>
    <message>
        <source>from the map</source>
        <translation>マップから</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>デコード中…</translation>
    </message>
    <message>
        <source>Novelty: –</source>
        <translation>新規性：–</translation>
    </message>
    <message>
        <source>Latent distance to the nearest training design, in units of the typical distance between neighbouring designs: about 1 is as new as designs are from each other, above 2 is out in the unknown</source>
        <translation>最も近い学習デザインまでの潜在空間での距離（隣り合うデザイン間の典型的な距離を 1 とした値）。1 前後なら学習デザイン同士と同じくらいの新しさ、2 を超えると未知の領域です</translation>
    </message>
    <message>
        <source>Nearest training design</source>
        <translation>最も近い学習デザイン</translation>
    </message>
    <message>
        <source>({0})</source>
        <translation>（{0}）</translation>
    </message>
    <message>
        <source>{0}&amp;nbsp; Novelty &lt;b&gt;{1}&lt;/b&gt; {2}</source>
        <translation>{0}&amp;nbsp; 新規性 &lt;b&gt;{1}&lt;/b&gt; {2}</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Compare pinned designs</source>
        <translation>ピン留めしたデザインを比較</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Comparing {0} pinned designs</source>
        <translation>ピン留めした {0} 件のデザインを比較</translation>
    </message>
    <message>
        <source>meshes drawn as their smooth surfaces</source>
        <translation>メッシュはなめらかな表面で表示しています</translation>
    </message>
    <message>
        <source>Decoding failed: {0}</source>
        <translation>デコードに失敗しました：{0}</translation>
    </message>
</context>
<context>
    <name>CompletionPanel</name>
    <message>
        <source>Completion failed: {0}</source>
        <translation>補完に失敗しました: {0}</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>欠損部</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>補完</translation>
    </message>
    <message>
        <source>Mark Missing</source>
        <translation>欠損部を指定</translation>
    </message>
    <message>
        <source>Drag a rectangle over the design: that part is regenerated</source>
        <translation>デザイン上で矩形をドラッグします。その部分が再生成されます</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <source>Forget the marked region</source>
        <translation>指定した領域を解除します</translation>
    </message>
    <message>
        <source>nothing marked</source>
        <translation>未指定</translation>
    </message>
    <message>
        <source>along {0}</source>
        <translation>{0} 方向</translation>
    </message>
    <message>
        <source>The missing part of a 3D design: a slab of the cube along this axis</source>
        <translation>3D デザインの欠損部: この軸に沿って立方体から切り出す板状の領域</translation>
    </message>
    <message>
        <source>The missing slab from (a fraction of the side)</source>
        <translation>欠損領域の始点（辺の長さに対する割合）</translation>
    </message>
    <message>
        <source>The missing slab to</source>
        <translation>欠損領域の終点</translation>
    </message>
    <message>
        <source>How many completions to offer (distinct ones; fewer when fewer differ)</source>
        <translation>提示する補完案の数（互いに異なるものだけ。違いが少なければ減ります）</translation>
    </message>
    <message>
        <source>Regenerate the missing part consistent with the rest; the completions are pinned, best first</source>
        <translation>残りの部分と整合するよう欠損部を再生成します。補完案は良い順にピン留めされます</translation>
    </message>
    <message>
        <source>{0} from {1}% to {2}% of the cube is missing</source>
        <translation>立方体の {0} 方向 {1}%～{2}% が欠損</translation>
    </message>
    <message>
        <source>{0}% × {1}% of the picture</source>
        <translation>画像の {0}% × {1}%</translation>
    </message>
    <message>
        <source>Move the cursor onto the map first: its design is completed</source>
        <translation>先にカーソルをマップ上に置いてください。その位置のデザインを補完します</translation>
    </message>
    <message>
        <source>Mark the missing part first</source>
        <translation>先に欠損部を指定してください</translation>
    </message>
    <message>
        <source>Completing {0}…</source>
        <translation>{0} を補完しています…</translation>
    </message>
    <message>
        <source>Every completion came out empty: mark a smaller region</source>
        <translation>補完結果がすべて空でした。もっと小さい領域を指定してください</translation>
    </message>
    <message>
        <source>Pinned {0} completions of {1}, best first (the kept part reproduced to IoU {2})</source>
        <translation>{1} の補完案 {0} 件を良い順にピン留めしました（残した部分の再現度 IoU {2}）</translation>
    </message>
    <message>
        <source>Pinned 1 completion of {1}, best first (the kept part reproduced to IoU {2})</source>
        <translation>{1} の補完案 1 件をピン留めしました（残した部分の再現度 IoU {2}）</translation>
    </message>
</context>
<context>
    <name>ConstraintsPanel</name>
    <message>
        <source>No constraints: add a range on a measured property</source>
        <translation>制約なし: 計測項目に範囲を追加してください</translation>
    </message>
    <message>
        <source>value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>A number in the source units (thousands may be grouped: 1,450); a unit may follow: px for images, mm, cm, m or in for meshes (taken as millimetres)</source>
        <translation>ソース単位の数値（桁区切り可: 1,450）。単位も付けられます: 画像は px、メッシュは mm・cm・m・in（メッシュはミリメートル単位とみなします）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Add this constraint: the map shades where designs break it, Snap to spec and Surprise ×N meet it</source>
        <translation>この制約を追加します。マップでは制約を満たさない領域が網掛けされ、仕様にスナップとサプライズ ×N は制約を満たすデザインを探します</translation>
    </message>
    <message>
        <source>Frontal along {0}</source>
        <translation>前面投影: {0} 軸</translation>
    </message>
    <message>
        <source>The axis the frontal area is seen along (drag scales with the area that faces the flow): X for a car that drives along X</source>
        <translation>前面投影面積を見る軸（空気抵抗は流れに面する面積に比例します）。X 方向に走る車なら X</translation>
    </message>
    <message>
        <source>Shade map</source>
        <translation>網掛け表示</translation>
    </message>
    <message>
        <source>Shade the map where the decoded designs break the constraints</source>
        <translation>デコードしたデザインが制約を満たさない領域をマップ上で網掛けします</translation>
    </message>
    <message>
        <source>Snap to Spec</source>
        <translation>仕様にスナップ</translation>
    </message>
    <message>
        <source>Move the design on show to the nearest design the model makes that meets every constraint</source>
        <translation>表示中のデザインを、すべての制約を満たすモデルのデザインのうち最も近いものへ移動します</translation>
    </message>
    <message>
        <source>Constraints</source>
        <translation>制約</translation>
    </message>
    <message>
        <source>Remove this constraint</source>
        <translation>この制約を削除</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>問題が発生しました</translation>
    </message>
    <message>
        <source>The app is still running; your work is kept. If this happens again, please send the details below.</source>
        <translation>アプリは動作を続けており、作業内容は失われていません。再び起きる場合は、下の詳細をお送りください。</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>保存先：{0}</translation>
    </message>
    <message>
        <source>The log file could not be written.</source>
        <translation>ログファイルに書き込めませんでした。</translation>
    </message>
    <message>
        <source>Copy Details</source>
        <translation>詳細をコピー</translation>
    </message>
    <message>
        <source>{0} (and earlier errors)</source>
        <translation>{0}（ほかに以前のエラーもあります）</translation>
    </message>
    <message>
        <source>The app is still running; your work is kept.</source>
        <translation>アプリは動作を続けており、作業内容は失われていません。</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>コピーしました</translation>
    </message>
</context>
<context>
    <name>DatasetPage</name>
    <message>
        <source>All designs</source>
        <translation>すべてのデザイン</translation>
    </message>
    <message>
        <source>No designs open</source>
        <translation>デザインが開かれていません</translation>
    </message>
    <message>
        <source>Train on these designs</source>
        <translation>このデザインで学習</translation>
    </message>
    <message>
        <source>Go to training (Ctrl+3)</source>
        <translation>学習へ移動 (Ctrl+3)</translation>
    </message>
    <message>
        <source>Designs</source>
        <translation>デザイン</translation>
    </message>
    <message>
        <source>Skipped files</source>
        <translation>スキップしたファイル</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Items per label (the first-level sub-folder); click one to show only it</source>
        <translation>ラベル（第1階層のサブフォルダー）ごとの件数。クリックするとそのラベルだけを表示します</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Every file in the folder was loaded.</source>
        <translation>フォルダー内のすべてのファイルを読み込みました。</translation>
    </message>
    <message>
        <source>Files that were not loaded, and why. Fix or remove them, then open the folder again.</source>
        <translation>読み込まれなかったファイルとその理由です。修正または削除してから、フォルダーをもう一度開いてください。</translation>
    </message>
    <message>
        <source>No designs are open</source>
        <translation>デザインが開かれていません</translation>
    </message>
    <message>
        <source>Open a design folder (Ctrl+O) or drop one onto the window.</source>
        <translation>デザインフォルダーを開く (Ctrl+O) か、ウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>Open design folder…</source>
        <translation>デザインフォルダーを開く…</translation>
    </message>
    <message>
        <source>Project only: its designs are not available.</source>
        <translation>プロジェクトのみ：元のデザインは利用できません。</translation>
    </message>
    <message>
        <source>Designs ({0})</source>
        <translation>デザイン ({0})</translation>
    </message>
    <message>
        <source>Skipped files ({0})</source>
        <translation>スキップしたファイル ({0})</translation>
    </message>
    <message>
        <source>{0} image at {1}×{1} ({2})</source>
        <translation>画像 {0} 枚（{1}×{1}、{2}）</translation>
    </message>
    <message>
        <source>{0} images at {1}×{1} ({2})</source>
        <translation>画像 {0} 枚（{1}×{1}、{2}）</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>カラー</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>グレースケール</translation>
    </message>
    <message>
        <source>{0} mesh voxelized at {1}³</source>
        <translation>メッシュ {0} 個（{1}³ にボクセル化）</translation>
    </message>
    <message>
        <source>{0} meshes voxelized at {1}³</source>
        <translation>メッシュ {0} 個（{1}³ にボクセル化）</translation>
    </message>
    <message>
        <source>1 label</source>
        <translation>ラベル 1 個</translation>
    </message>
    <message>
        <source>{0} labels</source>
        <translation>ラベル {0} 個</translation>
    </message>
    <message>
        <source>{0} skipped</source>
        <translation>スキップ {0} 件</translation>
    </message>
    <message>
        <source>loaded in {0} s, {1} from cache</source>
        <translation>読み込み {0} 秒（キャッシュから {1} 件）</translation>
    </message>
    <message>
        <source>loaded in {0} s</source>
        <translation>読み込み {0} 秒</translation>
    </message>
    <message>
        <source>processed images</source>
        <translation>処理済みの画像</translation>
    </message>
    <message>
        <source>voxelized meshes, shaded</source>
        <translation>ボクセル化したメッシュ、陰影付き</translation>
    </message>
    <message>
        <source>label “{0}”: {1} items — as the model sees them ({2})</source>
        <translation>ラベル「{0}」：{1} 件 — モデルに入力される状態（{2}）</translation>
    </message>
    <message>
        <source>{0} items — as the model sees them ({1})</source>
        <translation>{0} 件 — モデルに入力される状態（{1}）</translation>
    </message>
</context>
<context>
    <name>DesignPlacer</name>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp)</source>
        <translation>画像 (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <source>Meshes (*.stl *.obj *.ply *.off *.glb *.gltf)</source>
        <translation>メッシュ (*.stl *.obj *.ply *.off *.glb *.gltf)</translation>
    </message>
    <message>
        <source>Open a trained model first: a design is placed on its map</source>
        <translation>先に学習済みモデルを開いてください。デザインはそのマップ上に配置されます</translation>
    </message>
    <message>
        <source>Place a design on the map</source>
        <translation>マップにデザインを配置</translation>
    </message>
    <message>
        <source>Placing a design needs the model&apos;s preprocessing settings: save the project first</source>
        <translation>デザインの配置にはモデルの前処理設定が必要です。先にプロジェクトを保存してください</translation>
    </message>
    <message>
        <source>Cannot place {0}: {1}</source>
        <translation>{0} を配置できません: {1}</translation>
    </message>
    <message>
        <source>Placing {0}…</source>
        <translation>{0} を配置しています…</translation>
    </message>
    <message>
        <source>Placed {0} on the map (pinned as {1})</source>
        <translation>{0} をマップに配置しました（{1} としてピン留め）</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Open design folder</source>
        <translation>デザインフォルダーを開く</translation>
    </message>
    <message>
        <source>Open project (a VAE Designer project folder)</source>
        <translation>プロジェクトを開く（VAE Designer のプロジェクトフォルダー）</translation>
    </message>
    <message>
        <source>Save project as (a new folder)</source>
        <translation>名前を付けてプロジェクトを保存（新しいフォルダー）</translation>
    </message>
    <message>
        <source>VAE Designer project folder (*)</source>
        <translation>VAE Designer プロジェクトフォルダー (*)</translation>
    </message>
</context>
<context>
    <name>Directions</name>
    <message>
        <source>PC {0}</source>
        <translation>主成分 {0}</translation>
    </message>
    <message>
        <source>Pins A → Pins B</source>
        <translation>ピン A → ピン B</translation>
    </message>
</context>
<context>
    <name>DirectionsPanel</name>
    <message>
        <source>Along</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Pins</source>
        <translation>ピン</translation>
    </message>
    <message>
        <source>A named direction: from one label to another (difference of their mean designs), from pins A to pins B, or a principal direction of the collection</source>
        <translation>名前付きの方向: あるラベルから別のラベルへ（平均デザインの差）、ピン A からピン B へ、またはコレクションの主成分方向</translation>
    </message>
    <message>
        <source>Move the design along the direction</source>
        <translation>デザインをこの方向に動かします</translation>
    </message>
    <message>
        <source>The value along the direction: 0 is as A-like as A&apos;s average design, 1 as B-like as B&apos;s (principal directions: standard deviations from the mean)</source>
        <translation>方向に沿った値: 0 で A の平均デザイン並みに A 寄り、1 で B の平均並みに B 寄り（主成分方向では平均からの標準偏差）</translation>
    </message>
    <message>
        <source>A = Selected</source>
        <translation>A = 選択中</translation>
    </message>
    <message>
        <source>The pins selected in the gallery become group A of &apos;Pins A → B&apos;</source>
        <translation>ギャラリーで選択したピンを「ピン A → B」のグループ A にします</translation>
    </message>
    <message>
        <source>B = Selected</source>
        <translation>B = 選択中</translation>
    </message>
    <message>
        <source>The pins selected in the gallery become group B of &apos;Pins A → B&apos;</source>
        <translation>ギャラリーで選択したピンを「ピン A → B」のグループ B にします</translation>
    </message>
    <message>
        <source>Straight line</source>
        <translation>直線</translation>
    </message>
    <message>
        <source>Move in a straight line in latent space instead of staying on the data (each step drawn towards the designs that have that value)</source>
        <translation>データに沿わず、潜在空間を直線で移動します（通常は各ステップをその値を持つデザインへ引き寄せます）</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> ステップ</translation>
    </message>
    <message>
        <source>Designs in an exported sequence: from the base design&apos;s value to the slider&apos;s</source>
        <translation>書き出すシーケンスのデザイン数: 基準デザインの値からスライダーの値まで</translation>
    </message>
    <message>
        <source>Export Sequence…</source>
        <translation>シーケンスを書き出し…</translation>
    </message>
    <message>
        <source>Export the designs from the base design to the value on the slider, numbered, each with a sidecar</source>
        <translation>基準デザインからスライダーの値までのデザインを、連番とサイドカー付きで書き出します</translation>
    </message>
    <message>
        <source>Select pins in the gallery first</source>
        <translation>先にギャラリーでピンを選択してください</translation>
    </message>
    <message>
        <source>Export failed: choose a direction and a design first</source>
        <translation>書き出しに失敗しました: 先に方向とデザインを選んでください</translation>
    </message>
    <message>
        <source>Export the sequence along {0} into</source>
        <translation>{0} のシーケンスの書き出し先</translation>
    </message>
    <message>
        <source>Spacing {0} designs along {1}…</source>
        <translation>{1} に沿って {0} 個のデザインの間隔を決めています…</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>書き出しに失敗しました: {0}</translation>
    </message>
</context>
<context>
    <name>Gallery</name>
    <message>
        <source>Pinned designs appear here. Press Pin to keep the design under the cursor; select pins to compare, blend or export them.</source>
        <translation>ピン留めしたデザインがここに並びます。［ピン留め］でカーソル位置のデザインを残し、ピンを選んで比較・ブレンド・書き出しができます。</translation>
    </message>
    <message>
        <source>Pinned designs: double-click a name to rename it; select several to compare (Space) or export them; Delete removes the selected ones</source>
        <translation>ピン留めしたデザイン：名前をダブルクリックして変更、複数選んで比較 (Space) や書き出し、Delete で選択したピンを削除します</translation>
    </message>
</context>
<context>
    <name>HeldOutReport</name>
    <message>
        <source>Held-out check</source>
        <translation>未学習データでの確認</translation>
    </message>
    <message>
        <source>How the saved model does on designs it never trained on (the validation split) and on 64 samples: the same report as `vae-designer evaluate`</source>
        <translation>保存したモデルが、学習に使わなかったデザイン（検証用データ）と 64 個のサンプルでどれだけの出来かを示します。`vae-designer evaluate` と同じ内容です</translation>
    </message>
    <message>
        <source>Could not check the model: {0}</source>
        <translation>モデルを確認できませんでした：{0}</translation>
    </message>
    <message>
        <source>Checking the model on held-out designs…</source>
        <translation>未学習のデザインでモデルを確認しています…</translation>
    </message>
    <message>
        <source>The design folder is not available: only samples were checked.</source>
        <translation>デザインフォルダーが見つからないため、サンプルだけを確認しました。</translation>
    </message>
    <message>
        <source>Held-out designs ({0}): IoU {1:.3f}; undecided outline {2:.0%} (the pictures themselves {3:.0%})</source>
        <translation>未学習のデザイン（{0} 点）：IoU {1:.3f}、輪郭のあいまいな部分 {2:.0%}（元画像自体では {3:.0%}）</translation>
    </message>
    <message>
        <source>The shape as exported (the whole silhouette, every tone): IoU {0:.3f}</source>
        <translation>書き出される形（すべての色調を含むシルエット全体）：IoU {0:.3f}</translation>
    </message>
    <message>
        <source>Samples: {0} of {1} are clean designs</source>
        <translation>サンプル：{1} 個中 {0} 個がきれいなデザイン</translation>
    </message>
    <message>
        <source>As shown and exported (smooth outline): {0} of {1} clean</source>
        <translation>表示・書き出し時（なめらかな輪郭）：{1} 個中 {0} 個がきれい</translation>
    </message>
    <message>
        <source>Tip: {0}</source>
        <translation>ヒント：{0}</translation>
    </message>
    <message>
        <source>No need to train longer.</source>
        <translation>これ以上学習させる必要はありません。</translation>
    </message>
    <message>
        <source>held-out designs come back at IoU {0:.2f}: train longer (more epochs), or on more designs of each kind</source>
        <translation>未学習のデザインの再現度は IoU {0:.2f} です。さらに学習させる（エポックを増やす）か、種類ごとのデザインを増やしてください</translation>
    </message>
    <message>
        <source>{0:.0%} of the outline is undecided (blurry edges): train longer (exports and the preview draw the smooth outline: they stay crisp)</source>
        <translation>輪郭の {0:.0%} があいまいです（縁のぼやけ）。さらに学習させてください（書き出しとプレビューはなめらかな輪郭で描くため、くっきり保たれます）</translation>
    </message>
    <message>
        <source>{0:.0%} of the outline is undecided (blurry edges): train longer</source>
        <translation>輪郭の {0:.0%} があいまいです（縁のぼやけ）。さらに学習させてください</translation>
    </message>
    <message>
        <source>only {0} of {1} samples are clean designs: train longer, or sample with a lower temperature</source>
        <translation>きれいなデザインはサンプル {1} 個中 {0} 個だけです。さらに学習させるか、温度を下げてサンプリングしてください</translation>
    </message>
</context>
<context>
    <name>HistoryStrip</name>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移動</translation>
    </message>
    <message>
        <source>Surprise</source>
        <translation>サプライズ</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>スイープ</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>ブレンド</translation>
    </message>
    <message>
        <source>Design</source>
        <translation>デザイン</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>補完</translation>
    </message>
    <message>
        <source>Snap</source>
        <translation>スナップ</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Pins</source>
        <translation>ピン</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Constraints</source>
        <translation>制約</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ化</translation>
    </message>
    <message>
        <source>Remove group</source>
        <translation>グループを削除</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>ピン留め</translation>
    </message>
    <message>
        <source>Remove pins</source>
        <translation>ピンを削除</translation>
    </message>
    <message>
        <source>Rename pin</source>
        <translation>ピンの名前を変更</translation>
    </message>
    <message>
        <source>Clear pins</source>
        <translation>ピンをすべて削除</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>たった今</translation>
    </message>
    <message>
        <source>{0} min ago</source>
        <translation>{0} 分前</translation>
    </message>
    <message>
        <source>%d %b %H:%M</source>
        <translation>%m/%d %H:%M</translation>
    </message>
    <message>
        <source>History: every step of your work on the map, oldest first. Click one to go back to it (Undo Ctrl+Z, Redo Ctrl+Shift+Z).</source>
        <translation>履歴：マップでの作業の各ステップを古い順に並べています。クリックするとその時点に戻ります（元に戻す Ctrl+Z、やり直す Ctrl+Shift+Z）。</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <source>Drag the cursor on the map</source>
        <translation>マップ上でカーソルをドラッグしてください</translation>
    </message>
</context>
<context>
    <name>ItemCard</name>
    <message>
        <source>Label: {0}</source>
        <translation>ラベル：{0}</translation>
    </message>
    <message>
        <source>Reconstruction error: {0} nats (the worst of {1})</source>
        <translation>再構成誤差：{0} nats（{1} 件中ワースト 1 位）</translation>
    </message>
    <message>
        <source>Reconstruction error: {0} nats ({1} worst of {2})</source>
        <translation>再構成誤差：{0} nats（{2} 件中ワースト {3} 位）</translation>
    </message>
    <message>
        <source>Deselect</source>
        <translation>選択を解除</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>元のデザイン</translation>
    </message>
    <message>
        <source>Reconstruction</source>
        <translation>再構成</translation>
    </message>
    <message>
        <source>design folder
not open</source>
        <translation>デザインフォルダーが
開かれていません</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>Reconstruction loss</source>
        <translation>再構成誤差</translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation>KL ダイバージェンス</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <source>nats per design</source>
        <translation>nat／デザイン</translation>
    </message>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>検証</translation>
    </message>
    <message>
        <source>How far the reconstructions are from the originals (binary cross-entropy, nats per design)</source>
        <translation>再構成と元のデザインとの隔たり（バイナリ交差エントロピー、デザインあたりの nat）</translation>
    </message>
    <message>
        <source>KL divergence of the latent codes from the prior: how much information the codes carry</source>
        <translation>潜在コードの事前分布からの KL ダイバージェンス：コードが持つ情報量の目安</translation>
    </message>
    <message>
        <source>validation (after each epoch)</source>
        <translation>検証（各エポック後）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Open a design folder or a project to begin</source>
        <translation>デザインフォルダーかプロジェクトを開いて始めましょう</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>スタート</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>データセット</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>マップ</translation>
    </message>
    <message>
        <source>Training stopped with an error</source>
        <translation>エラーのため学習が止まりました</translation>
    </message>
    <message>
        <source>Training stopped: {0}</source>
        <translation>学習が止まりました：{0}</translation>
    </message>
    <message>
        <source>The project could not be saved</source>
        <translation>プロジェクトを保存できませんでした</translation>
    </message>
    <message>
        <source>Could not save the project: {0}</source>
        <translation>プロジェクトを保存できませんでした：{0}</translation>
    </message>
    <message>
        <source>Nothing to save yet: train a model first</source>
        <translation>保存するものがまだありません。先にモデルを学習させてください</translation>
    </message>
    <message>
        <source>Training paused</source>
        <translation>学習を一時停止中</translation>
    </message>
    <message>
        <source>Starting training</source>
        <translation>学習を開始中</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>停止中</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>学習中…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>Stopping training and saving the best model…</source>
        <translation>学習を止めて、最良のモデルを保存しています…</translation>
    </message>
    <message>
        <source>the project</source>
        <translation>プロジェクト</translation>
    </message>
    <message>
        <source>Stop training and quit?

The best model so far is saved to {0}.</source>
        <translation>学習を止めて終了しますか？

ここまでで最良のモデルは {0} に保存されます。</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>学習中です</translation>
    </message>
    <message>
        <source>Stop and quit</source>
        <translation>停止して終了</translation>
    </message>
    <message>
        <source>Keep training</source>
        <translation>学習を続ける</translation>
    </message>
</context>
<context>
    <name>MapExporter</name>
    <message>
        <source>PNG image</source>
        <translation>PNG 画像</translation>
    </message>
    <message>
        <source>SVG outline</source>
        <translation>SVG アウトライン</translation>
    </message>
    <message>
        <source>DXF outline</source>
        <translation>DXF アウトライン</translation>
    </message>
    <message>
        <source>STL mesh</source>
        <translation>STL メッシュ</translation>
    </message>
    <message>
        <source>OBJ mesh</source>
        <translation>OBJ メッシュ</translation>
    </message>
    <message>
        <source>PLY mesh</source>
        <translation>PLY メッシュ</translation>
    </message>
    <message>
        <source>GLB mesh</source>
        <translation>GLB メッシュ</translation>
    </message>
    <message>
        <source>Save the project first: exports record the saved model&apos;s weights</source>
        <translation>先にプロジェクトを保存してください。書き出しには保存したモデルの重みが記録されます</translation>
    </message>
    <message>
        <source>Export design</source>
        <translation>デザインを書き出し</translation>
    </message>
    <message>
        <source>Export pinned designs into</source>
        <translation>ピン留めしたデザインの書き出し先</translation>
    </message>
    <message>
        <source>Export failed: {0} is a file, not a folder</source>
        <translation>書き出しに失敗しました：{0} はフォルダーではなくファイルです</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>書き出しに失敗しました：{0}</translation>
    </message>
    <message>
        <source>Exported {0} design to {1}</source>
        <translation>{0} 件のデザインを {1} に書き出しました</translation>
    </message>
    <message>
        <source>Exported {0} designs to {1}</source>
        <translation>{0} 件のデザインを {1} に書き出しました</translation>
    </message>
</context>
<context>
    <name>MapHeader</name>
    <message>
        <source>Latent map</source>
        <translation>潜在マップ</translation>
    </message>
    <message>
        <source>How the latent space is laid flat: principal components, or two latent dimensions</source>
        <translation>潜在空間を平面に広げる方法：主成分、または 2 つの潜在次元</translation>
    </message>
    <message>
        <source>label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>reconstruction error</source>
        <translation>再構成誤差</translation>
    </message>
    <message>
        <source>Colour the points by their label (sub-folder), or by how badly the model reconstructs each design (its negative log-likelihood in nats): the bright ones are what it has not learned</source>
        <translation>点をラベル（サブフォルダー）で色分けするか、モデルが各デザインをどれだけ再構成できていないか（負の対数尤度、nats）で色分けします。明るい点ほど学習できていません</translation>
    </message>
    <message>
        <source>Backdrop</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>Show a lattice of decoded designs behind the points: what the model makes across the whole map</source>
        <translation>点の後ろに、格子状にデコードしたデザインを表示します。マップ全体でモデルが何を生成するかがわかります</translation>
    </message>
    <message>
        <source>Projection:</source>
        <translation>投影：</translation>
    </message>
    <message>
        <source>Colour by:</source>
        <translation>色分け：</translation>
    </message>
    <message>
        <source>PCA (principal components)</source>
        <translation>PCA（主成分）</translation>
    </message>
    <message>
        <source>UMAP (neighbourhoods)</source>
        <translation>UMAP（近傍）</translation>
    </message>
    <message>
        <source>latent dims {0} × {1}</source>
        <translation>潜在次元 {0} × {1}</translation>
    </message>
</context>
<context>
    <name>MapPage</name>
    <message>
        <source>Decoding failed: {0}</source>
        <translation>デコードに失敗しました：{0}</translation>
    </message>
    <message>
        <source>Updating the map failed: {0}</source>
        <translation>マップの更新に失敗しました：{0}</translation>
    </message>
    <message>
        <source>Fitting UMAP…</source>
        <translation>UMAP を計算中…</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Show {0} to {1} selected pins side by side, large, with their novelty (Space)</source>
        <translation>選択した {0}～{1} 個のピンを、新規性とともに大きく並べて表示します (Space)</translation>
    </message>
    <message>
        <source>Export Pinned…</source>
        <translation>ピンを書き出し…</translation>
    </message>
    <message>
        <source>Export the selected pins (or all) into a folder, each with a sidecar</source>
        <translation>選択したピン（未選択ならすべて）を、それぞれサイドカー付きでフォルダーに書き出します</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Remove the selected pins (Delete)</source>
        <translation>選択したピンを削除します (Delete)</translation>
    </message>
    <message>
        <source>Backdrop failed: {0}</source>
        <translation>背景の作成に失敗しました：{0}</translation>
    </message>
    <message>
        <source>Train a model to see its latent map</source>
        <translation>モデルを学習させると潜在マップが表示されます</translation>
    </message>
    <message>
        <source>saved model, epoch {0}</source>
        <translation>保存したモデル（エポック {0}）</translation>
    </message>
    <message>
        <source>{0} designs · {1}</source>
        <translation>デザイン {0} 件 · {1}</translation>
    </message>
    <message>
        <source>{0} designs</source>
        <translation>デザイン {0} 件</translation>
    </message>
    <message>
        <source>following training, best model of epoch {0}</source>
        <translation>学習に追従中、エポック {0} の最良モデル</translation>
    </message>
    <message>
        <source>Projection failed: {0}</source>
        <translation>投影に失敗しました：{0}</translation>
    </message>
    <message>
        <source>Select {0} to {1} pins to compare them</source>
        <translation>比較するピンを {0}～{1} 個選択してください</translation>
    </message>
</context>
<context>
    <name>MapStrips</name>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>元に戻す (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>やり直す (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
</context>
<context>
    <name>MapTools</name>
    <message>
        <source>Sweep</source>
        <translation>スイープ</translation>
    </message>
    <message>
        <source>Surprise</source>
        <translation>サプライズ</translation>
    </message>
    <message>
        <source>temp.</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>ブレンド</translation>
    </message>
    <message>
        <source>Temperature: how far from the prior&apos;s centre surprises may land</source>
        <translation>温度：サプライズが事前分布の中心からどこまで離れてよいか</translation>
    </message>
    <message>
        <source>Surprise Me</source>
        <translation>サプライズ</translation>
    </message>
    <message>
        <source>Decode a random draw from the prior (scaled by the temperature)</source>
        <translation>事前分布からランダムに引いた点（温度で調整）をデコードします</translation>
    </message>
    <message>
        <source>How many surprises to pin at once</source>
        <translation>一度にピン留めするサプライズの数</translation>
    </message>
    <message>
        <source>Pin this many random draws from the prior at the temperature (each remembers its seed); export them with Export Pinned…</source>
        <translation>この温度で事前分布からこの数だけランダムに引いてピン留めします（それぞれシードを記録）。［ピンを書き出し…］で書き出せます</translation>
    </message>
    <message>
        <source>The most active latent dimensions (largest variance over the designs)</source>
        <translation>変化の大きい潜在次元（デザイン全体で分散が最大のもの）</translation>
    </message>
    <message>
        <source>Sweep the chosen latent dimension of the current design (mean ± 3 std)</source>
        <translation>現在のデザインの選んだ潜在次元をスイープします（平均 ± 3 標準偏差）</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> ステップ</translation>
    </message>
    <message>
        <source>Designs in an exported sweep: evenly over the slider&apos;s range</source>
        <translation>書き出すスイープのデザイン数（スライダーの範囲を等間隔に分割）</translation>
    </message>
    <message>
        <source>Export Sweep…</source>
        <translation>スイープを書き出し…</translation>
    </message>
    <message>
        <source>Export sequence: the current design with the chosen dimension at each step of the slider&apos;s range, numbered, each with a sidecar</source>
        <translation>連番で書き出し：選んだ次元をスライダーの範囲の各ステップに置いた現在のデザインを、番号付き・サイドカー付きで書き出します</translation>
    </message>
    <message>
        <source>Designs in the blend, both ends included</source>
        <translation>ブレンドのデザイン数（両端を含む）</translation>
    </message>
    <message>
        <source>Blend 2 Pins</source>
        <translation>2 ピンをブレンド</translation>
    </message>
    <message>
        <source>Select two pins: adds the designs between them to the gallery</source>
        <translation>ピンを 2 つ選択すると、その間のデザインをギャラリーに追加します</translation>
    </message>
    <message>
        <source>Export Blend…</source>
        <translation>ブレンドを書き出し…</translation>
    </message>
    <message>
        <source>Export sequence: the blend of the two selected pins, numbered, each with a sidecar (parents and weights)</source>
        <translation>連番で書き出し：選択した 2 つのピンのブレンドを、番号付き・サイドカー（親と重み）付きで書き出します</translation>
    </message>
    <message>
        <source>dim {0}</source>
        <translation>次元 {0}</translation>
    </message>
    <message>
        <source>Surprise ×{0}</source>
        <translation>サプライズ ×{0}</translation>
    </message>
    <message>
        <source>Surprise failed: {0}</source>
        <translation>サプライズに失敗しました：{0}</translation>
    </message>
    <message>
        <source>Pinned {0} surprise (temperature {1}, seeds {2}–{3})</source>
        <translation>サプライズを {0} 件ピン留めしました（温度 {1}、シード {2}–{3}）</translation>
    </message>
    <message>
        <source>Pinned {0} surprises (temperature {1}, seeds {2}–{3})</source>
        <translation>サプライズを {0} 件ピン留めしました（温度 {1}、シード {2}–{3}）</translation>
    </message>
    <message>
        <source>Pinned {0} surprise (temperature {1})</source>
        <translation>サプライズを {0} 件ピン留めしました（温度 {1}）</translation>
    </message>
    <message>
        <source>Pinned {0} surprises (temperature {1})</source>
        <translation>サプライズを {0} 件ピン留めしました（温度 {1}）</translation>
    </message>
    <message>
        <source>Export failed: move the cursor onto the map first</source>
        <translation>書き出しに失敗しました：先にカーソルをマップ上に置いてください</translation>
    </message>
    <message>
        <source>Export a sweep of dim {0} into</source>
        <translation>次元 {0} のスイープの書き出し先</translation>
    </message>
    <message>
        <source>Export failed: select exactly two pins to blend</source>
        <translation>書き出しに失敗しました：ブレンドするピンをちょうど 2 つ選択してください</translation>
    </message>
    <message>
        <source>Export the blend of {0} and {1} into</source>
        <translation>{0} と {1} のブレンドの書き出し先</translation>
    </message>
</context>
<context>
    <name>MenusMixin</name>
    <message>
        <source>&amp;Training</source>
        <translation>学習(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About VAE Designer</source>
        <translation>VAE Designer について(&amp;A)</translation>
    </message>
    <message>
        <source>Open Design &amp;Folder…</source>
        <translation>デザインフォルダーを開く(&amp;F)…</translation>
    </message>
    <message>
        <source>Open a folder of design images or meshes</source>
        <translation>デザインの画像やメッシュが入ったフォルダーを開きます</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>プロジェクトを開く(&amp;P)…</translation>
    </message>
    <message>
        <source>Open a saved project</source>
        <translation>保存したプロジェクトを開きます</translation>
    </message>
    <message>
        <source>Sample Car &amp;Silhouettes (2D)</source>
        <translation>サンプル：車のシルエット（2D）(&amp;S)</translation>
    </message>
    <message>
        <source>Open the bundled sample: 300 car silhouettes</source>
        <translation>同梱のサンプル（車のシルエット 300 枚）を開きます</translation>
    </message>
    <message>
        <source>Sample Car &amp;Bodies (3D)</source>
        <translation>サンプル：車体（3D）(&amp;B)</translation>
    </message>
    <message>
        <source>Open the bundled sample: 48 car-body meshes</source>
        <translation>同梱のサンプル（車体メッシュ 48 個）を開きます</translation>
    </message>
    <message>
        <source>Place &amp;Design on the Map…</source>
        <translation>デザインをマップに配置(&amp;D)…</translation>
    </message>
    <message>
        <source>Encode an image or mesh file of your own and put it on the map as a pin</source>
        <translation>手持ちの画像やメッシュをエンコードし、ピンとしてマップに置きます</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>プロジェクトを保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the trained model and its settings</source>
        <translation>学習済みモデルと設定を保存します</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>名前を付けてプロジェクトを保存(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the project into a new folder</source>
        <translation>プロジェクトを新しいフォルダーに保存します</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>Cancel Loading</source>
        <translation>読み込みを中止</translation>
    </message>
    <message>
        <source>&amp;Start Training</source>
        <translation>学習を開始(&amp;S)</translation>
    </message>
    <message>
        <source>Train with the settings on the Training page</source>
        <translation>学習画面の設定で学習します</translation>
    </message>
    <message>
        <source>&amp;Pause / Resume Training</source>
        <translation>学習を一時停止／再開(&amp;P)</translation>
    </message>
    <message>
        <source>Pause or resume training</source>
        <translation>学習を一時停止または再開します</translation>
    </message>
    <message>
        <source>S&amp;top Training</source>
        <translation>学習を停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop training and keep the best model</source>
        <translation>学習を止め、いちばん良いモデルを残します</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったもの(&amp;R)</translation>
    </message>
    <message>
        <source>Try the Samples</source>
        <translation>サンプルを試す</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>元に戻す(&amp;U)</translation>
    </message>
    <message>
        <source>Undo the last change on the map</source>
        <translation>マップでの直前の変更を取り消します</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>やり直す(&amp;R)</translation>
    </message>
    <message>
        <source>Redo what was undone on the map</source>
        <translation>マップで取り消した変更をやり直します</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>環境設定(&amp;P)…</translation>
    </message>
    <message>
        <source>The look, what new projects start with, the cache</source>
        <translation>外観、新しいプロジェクトの初期値、キャッシュ</translation>
    </message>
    <message>
        <source>&amp;Undo {0}</source>
        <translation>元に戻す(&amp;U)：{0}</translation>
    </message>
    <message>
        <source>&amp;Redo {0}</source>
        <translation>やり直す(&amp;R)：{0}</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>テーマ(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the &amp;System</source>
        <translation>システムに合わせる(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>ライト(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>ダーク(&amp;D)</translation>
    </message>
    <message>
        <source>Switch Light/Dark</source>
        <translation>ライト／ダークを切り替え</translation>
    </message>
    <message>
        <source>Switch between the light and the dark look</source>
        <translation>ライトとダークの外観を切り替えます</translation>
    </message>
    <message>
        <source>Go to {0}</source>
        <translation>{0}へ移動</translation>
    </message>
    <message>
        <source>Train or open a model first: a design is placed on its map</source>
        <translation>先にモデルを学習させるか開いてください。デザインはそのマップ上に配置されます</translation>
    </message>
    <message>
        <source>About {0}</source>
        <translation>{0} について</translation>
    </message>
    <message>
        <source>Train a variational autoencoder on your own designs (images or 3D meshes) and explore it to create new variants.</source>
        <translation>手持ちのデザイン（画像や 3D メッシュ）で変分オートエンコーダーを学習させ、その中を探って新しいバリエーションを生み出します。</translation>
    </message>
    <message>
        <source>Settings file: {0}</source>
        <translation>設定ファイル：{0}</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
</context>
<context>
    <name>MeshPreview</name>
    <message>
        <source>Drag to orbit, wheel to zoom, middle button to pan</source>
        <translation>ドラッグで回転、ホイールでズーム、中ボタンでパン</translation>
    </message>
</context>
<context>
    <name>Novelty</name>
    <message>
        <source>familiar</source>
        <translation>既存に近い</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新しい</translation>
    </message>
    <message>
        <source>far out</source>
        <translation>かけ離れた</translation>
    </message>
</context>
<context>
    <name>OpeningMixin</name>
    <message>
        <source>Cannot open</source>
        <translation>開けません</translation>
    </message>
    <message>
        <source>{0}: no such folder or project</source>
        <translation>{0}：フォルダーまたはプロジェクトが見つかりません</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>学習中です</translation>
    </message>
    <message>
        <source>Stop training and open something else? The best model so far is saved.</source>
        <translation>学習を止めて別のものを開きますか？ ここまでで最良のモデルは保存されます。</translation>
    </message>
    <message>
        <source>Stop training</source>
        <translation>学習を停止</translation>
    </message>
    <message>
        <source>Keep training</source>
        <translation>学習を続ける</translation>
    </message>
    <message>
        <source>Loading {0}</source>
        <translation>{0} を読み込み中</translation>
    </message>
    <message>
        <source>Loading {0} …</source>
        <translation>{0} を読み込んでいます…</translation>
    </message>
    <message>
        <source>Loading {0} / {1}</source>
        <translation>読み込み中 {0} / {1}</translation>
    </message>
    <message>
        <source>Loaded {0} images from {1}</source>
        <translation>{1} から画像を {0} 枚読み込みました</translation>
    </message>
    <message>
        <source>Loaded {0} meshes from {1}</source>
        <translation>{1} からメッシュを {0} 個読み込みました</translation>
    </message>
    <message>
        <source>; {0} files skipped (see Skipped files)</source>
        <translation>。{0} 件のファイルをスキップしました（「スキップしたファイル」を参照）</translation>
    </message>
    <message>
        <source>Nothing was opened</source>
        <translation>何も開かれませんでした</translation>
    </message>
    <message>
        <source>Could not open {0}:</source>
        <translation>{0} を開けませんでした：</translation>
    </message>
    <message>
        <source>Loading {0} cancelled</source>
        <translation>{0} の読み込みを中止しました</translation>
    </message>
    <message>
        <source>(nothing yet)</source>
        <translation>（まだありません）</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>一覧を消去</translation>
    </message>
</context>
<context>
    <name>PointColours</name>
    <message>
        <source>Reconstruction errors failed: {0}</source>
        <translation>再構成誤差の計算に失敗しました：{0}</translation>
    </message>
    <message>
        <source>Reconstruction errors need the design folder</source>
        <translation>再構成誤差にはデザインフォルダーが必要です</translation>
    </message>
    <message>
        <source>updating…</source>
        <translation>更新中…</translation>
    </message>
    <message>
        <source>Computing reconstruction errors…</source>
        <translation>再構成誤差を計算中…</translation>
    </message>
</context>
<context>
    <name>PointLayer</name>
    <message>
        <source>designs</source>
        <translation>デザイン</translation>
    </message>
    <message>
        <source>… {0} more labels</source>
        <translation>… ほか {0} ラベル</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>環境設定</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>システムに合わせる</translation>
    </message>
    <message>
        <source>Applies the next time VAE Designer starts</source>
        <translation>次回 VAE Designer を起動したときに反映されます</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <source>{0} × {0} pixels</source>
        <translation>{0} × {0} ピクセル</translation>
    </message>
    <message>
        <source>{0} × {0} × {0} voxels</source>
        <translation>{0} × {0} × {0} ボクセル</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>既定の場所</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>消去</translation>
    </message>
    <message>
        <source>Delete the processed designs kept in the cache; folders load from their files again next time</source>
        <translation>キャッシュに保存された処理済みデザインを削除します。次回はフォルダーを元のファイルから読み込みます</translation>
    </message>
    <message>
        <source>Size unknown: {0}</source>
        <translation>サイズ不明：{0}</translation>
    </message>
    <message>
        <source>Could not clear the cache: {0}</source>
        <translation>キャッシュを消去できませんでした：{0}</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>Look</source>
        <translation>外観</translation>
    </message>
    <message>
        <source>&lt;b&gt;New projects&lt;/b&gt;</source>
        <translation>&lt;b&gt;新しいプロジェクト&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Image resolution</source>
        <translation>画像の解像度</translation>
    </message>
    <message>
        <source>Mesh resolution</source>
        <translation>メッシュの解像度</translation>
    </message>
    <message>
        <source>Latent size</source>
        <translation>潜在サイズ</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cache of processed designs&lt;/b&gt;</source>
        <translation>&lt;b&gt;処理済みデザインのキャッシュ&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Reset to Defaults</source>
        <translation>初期設定に戻す</translation>
    </message>
    <message>
        <source>The new language applies the next time VAE Designer starts.</source>
        <translation>新しい言語は、次回 VAE Designer を起動したときに反映されます。</translation>
    </message>
    <message>
        <source>Preferences reset to their defaults.</source>
        <translation>環境設定を初期値に戻しました。</translation>
    </message>
    <message>
        <source>The default place</source>
        <translation>既定の場所</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>計算中…</translation>
    </message>
    <message>
        <source>Keep the cache in</source>
        <translation>キャッシュの保存先</translation>
    </message>
    <message>
        <source>{0} is a file, not a folder: the cache stays where it is</source>
        <translation>{0} はフォルダーではなくファイルです。キャッシュの場所は変わりません</translation>
    </message>
    <message>
        <source>Cannot keep the cache in {0}: {1}</source>
        <translation>{0} にはキャッシュを保存できません：{1}</translation>
    </message>
    <message>
        <source>A folder is loading or training runs: clear the cache once it is done.</source>
        <translation>フォルダーの読み込み中か学習中です。終わってからキャッシュを消去してください。</translation>
    </message>
    <message>
        <source>Clear the cache</source>
        <translation>キャッシュの消去</translation>
    </message>
    <message>
        <source>Delete the processed designs kept in {0}? Your design folders and projects are not touched.</source>
        <translation>{0} にある処理済みデザインを削除しますか？ デザインフォルダーとプロジェクトはそのまま残ります。</translation>
    </message>
    <message>
        <source>Clearing…</source>
        <translation>消去中…</translation>
    </message>
    <message>
        <source>{0} in {1} files</source>
        <translation>{0}（{1} ファイル）</translation>
    </message>
    <message>
        <source>Cleared {0}.</source>
        <translation>{0} を消去しました。</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>Nothing here: this point decodes to an empty design. Move the cursor closer to the designs (the dots), or train the model longer.</source>
        <translation>ここには何もありません。この点をデコードすると空のデザインになります。カーソルをデザイン（点）に近づけるか、モデルをもっと長く学習させてください。</translation>
    </message>
    <message>
        <source>Novelty: {0} ({1})</source>
        <translation>新規性：{0}（{1}）</translation>
    </message>
    <message>
        <source>Novelty: –</source>
        <translation>新規性：–</translation>
    </message>
    <message>
        <source>Latent distance to the nearest training design, in units of the typical distance between neighbouring designs: about 1 is as new as designs are from each other, above 2 is out in the unknown</source>
        <translation>最も近い学習デザインまでの潜在空間での距離（隣り合うデザイン間の典型的な距離を 1 とした値）。1 前後なら学習デザイン同士と同じくらいの新しさ、2 を超えると未知の領域です</translation>
    </message>
    <message>
        <source>Nearest: –</source>
        <translation>最も近い：–</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>ピン留め</translation>
    </message>
    <message>
        <source>Keep this design in the gallery below</source>
        <translation>このデザインを下のギャラリーに残します</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>書き出し…</translation>
    </message>
    <message>
        <source>Write this design (PNG, or STL/OBJ/PLY/GLB) and its JSON sidecar</source>
        <translation>このデザイン（PNG、または STL/OBJ/PLY/GLB）と JSON サイドカーを書き出します</translation>
    </message>
    <message>
        <source>File format for exports</source>
        <translation>書き出しのファイル形式</translation>
    </message>
    <message>
        <source>Uncertainty</source>
        <translation>不確かさ</translation>
    </message>
    <message>
        <source>Show where the model is unsure of the outline (its raw probabilities) over the design: the coloured seams are guesses</source>
        <translation>モデルが輪郭に自信のない部分（生の確率）をデザインに重ねて表示します。色の付いた境目は推測です</translation>
    </message>
    <message>
        <source>Nearest: {0}</source>
        <translation>最も近い：{0}</translation>
    </message>
</context>
<context>
    <name>Properties</name>
    <message>
        <source>width</source>
        <translation>幅</translation>
    </message>
    <message>
        <source>height</source>
        <translation>高さ</translation>
    </message>
    <message>
        <source>aspect</source>
        <translation>縦横比</translation>
    </message>
    <message>
        <source>area</source>
        <translation>面積</translation>
    </message>
    <message>
        <source>centroid x</source>
        <translation>重心 X</translation>
    </message>
    <message>
        <source>centroid y</source>
        <translation>重心 Y</translation>
    </message>
    <message>
        <source>length</source>
        <translation>長さ</translation>
    </message>
    <message>
        <source>volume</source>
        <translation>体積</translation>
    </message>
    <message>
        <source>surface area</source>
        <translation>表面積</translation>
    </message>
    <message>
        <source>frontal area</source>
        <translation>前面投影面積</translation>
    </message>
    <message>
        <source>units</source>
        <translation>単位</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
</context>
<context>
    <name>PropertiesLabel</name>
    <message>
        <source>The design on show measured in the source units (source pixels of the images, the meshes&apos; own units); while the cursor moves, a quick measure of the decoded grid, once it rests the outline or surface its export is written from</source>
        <translation>表示中のデザインをソース単位で計測した値（画像は元画像のピクセル、メッシュはメッシュ自体の単位）。カーソルの移動中はデコードしたグリッドから簡易計測し、止まると書き出しに使う輪郭や表面から計測します</translation>
    </message>
    <message>
        <source>Properties: –</source>
        <translation>計測値: –</translation>
    </message>
</context>
<context>
    <name>ReconGrid</name>
    <message>
        <source>Reconstructions appear here once training starts</source>
        <translation>学習を始めると、ここに再構成が表示されます</translation>
    </message>
</context>
<context>
    <name>SelectionStrip</name>
    <message>
        <source>group {0}</source>
        <translation>グループ {0}</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>書き出しに失敗しました: {0}</translation>
    </message>
    <message>
        <source>Group…</source>
        <translation>グループ化…</translation>
    </message>
    <message>
        <source>Keep the picked designs as a named group (two groups make a direction A → B)</source>
        <translation>選択したデザインを名前付きグループとして残します（2 つのグループで方向 A → B ができます）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV を書き出し…</translation>
    </message>
    <message>
        <source>Write the picked designs&apos; paths, labels, latent vectors and measured properties into a CSV file</source>
        <translation>選択したデザインのパス、ラベル、潜在ベクトル、計測値を CSV ファイルに書き出します</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <source>Pick nothing</source>
        <translation>選択を解除します</translation>
    </message>
    <message>
        <source>The session&apos;s groups: choose one to pick its designs again</source>
        <translation>セッションのグループ: 選ぶとそのデザインを再び選択します</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Remove the group chosen on the left</source>
        <translation>左で選んだグループを削除します</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>1 design picked</source>
        <translation>1 件のデザインを選択中</translation>
    </message>
    <message>
        <source>{0} designs picked</source>
        <translation>{0} 件のデザインを選択中</translation>
    </message>
    <message>
        <source>{0} (the first {1} shown)</source>
        <translation>{0}（先頭の {1} 件を表示）</translation>
    </message>
    <message>
        <source>Group the picked designs</source>
        <translation>選択したデザインをグループ化</translation>
    </message>
    <message>
        <source>Name of the group:</source>
        <translation>グループ名:</translation>
    </message>
    <message>
        <source>Group {0}: {1} designs</source>
        <translation>グループ {0}: {1} 件のデザイン</translation>
    </message>
    <message>
        <source>Export the picked designs</source>
        <translation>選択したデザインを書き出し</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表 (*.csv)</translation>
    </message>
    <message>
        <source>Measuring {0} designs for the CSV…</source>
        <translation>CSV 用に {0} 件のデザインを計測しています…</translation>
    </message>
    <message>
        <source>Wrote {0} designs to {1}</source>
        <translation>{0} 件のデザインを {1} に書き出しました</translation>
    </message>
</context>
<context>
    <name>SessionKeeper</name>
    <message>
        <source>The map session could not be saved: {0}</source>
        <translation>マップのセッションを保存できませんでした：{0}</translation>
    </message>
    <message>
        <source>The map session saved with this project was not restored: {0}</source>
        <translation>このプロジェクトに保存されたマップのセッションを復元できませんでした：{0}</translation>
    </message>
    <message>
        <source>Restored your map session: {0}, {1}, {2}</source>
        <translation>マップのセッションを復元しました：{0}、{1}、{2}</translation>
    </message>
    <message>
        <source>{0} pin</source>
        <translation>ピン {0} 件</translation>
    </message>
    <message>
        <source>{0} pins</source>
        <translation>ピン {0} 件</translation>
    </message>
    <message>
        <source>{0} group</source>
        <translation>グループ {0} 件</translation>
    </message>
    <message>
        <source>{0} groups</source>
        <translation>グループ {0} 件</translation>
    </message>
    <message>
        <source>{0} step of history</source>
        <translation>履歴 {0} ステップ</translation>
    </message>
    <message>
        <source>{0} steps of history</source>
        <translation>履歴 {0} ステップ</translation>
    </message>
</context>
<context>
    <name>SkippedModel</name>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Tip: drop a design folder or a project onto this window to open it.</source>
        <translation>ヒント：デザインフォルダーやプロジェクトをこのウィンドウにドロップすると開けます。</translation>
    </message>
    <message>
        <source>Train a generative model on your own designs, then explore it to create new variants.</source>
        <translation>手持ちのデザインで生成モデルを学習させ、その中を探って新しいバリエーションを生み出しましょう。</translation>
    </message>
    <message>
        <source>Open design folder…</source>
        <translation>デザインフォルダーを開く…</translation>
    </message>
    <message>
        <source>A folder of images or 3D meshes; sub-folders become labels.</source>
        <translation>画像や 3D メッシュのフォルダー。サブフォルダーはラベルになります。</translation>
    </message>
    <message>
        <source>Open project…</source>
        <translation>プロジェクトを開く…</translation>
    </message>
    <message>
        <source>Continue with a model you trained and saved before.</source>
        <translation>以前に学習・保存したモデルの続きから始めます。</translation>
    </message>
    <message>
        <source>Try the sample car silhouettes</source>
        <translation>車のシルエットのサンプルを試す</translation>
    </message>
    <message>
        <source>300 side views of six body types (2D images).</source>
        <translation>6 つのボディタイプの側面図 300 枚（2D 画像）。</translation>
    </message>
    <message>
        <source>Try the sample car bodies</source>
        <translation>車体のサンプルを試す</translation>
    </message>
    <message>
        <source>48 car-body meshes of six body types (3D, voxelized).</source>
        <translation>6 つのボディタイプの車体メッシュ 48 個（3D、ボクセル化）。</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>スタート</translation>
    </message>
    <message>
        <source>No designs at hand?</source>
        <translation>手元にデザインがなければ</translation>
    </message>
    <message>
        <source>Projects and folders you open will be listed here.</source>
        <translation>開いたプロジェクトやフォルダーがここに並びます。</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>一覧を消去</translation>
    </message>
    <message>
        <source>Forget the recent projects and folders (nothing is deleted)</source>
        <translation>最近使ったプロジェクトとフォルダーの一覧を消します（ファイルは削除されません）</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近使ったもの</translation>
    </message>
    <message>
        <source>Project: {0}</source>
        <translation>プロジェクト：{0}</translation>
    </message>
    <message>
        <source>Design folder: {0}</source>
        <translation>デザインフォルダー：{0}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>一覧から外す</translation>
    </message>
</context>
<context>
    <name>Steering</name>
    <message>
        <source>Measure failed: {0}</source>
        <translation>計測に失敗しました: {0}</translation>
    </message>
    <message>
        <source>Snap failed: {0}</source>
        <translation>スナップに失敗しました: {0}</translation>
    </message>
    <message>
        <source>Bank failed: {0}</source>
        <translation>計測値バンクの作成に失敗しました: {0}</translation>
    </message>
    <message>
        <source>Surprise failed: {0}</source>
        <translation>サプライズに失敗しました: {0}</translation>
    </message>
    <message>
        <source>Measure-designs failed: {0}</source>
        <translation>学習デザインの計測に失敗しました: {0}</translation>
    </message>
    <message>
        <source>Measuring the map failed: {0}</source>
        <translation>マップの計測に失敗しました: {0}</translation>
    </message>
    <message>
        <source>Measuring the training designs…</source>
        <translation>学習デザインを計測しています…</translation>
    </message>
    <message>
        <source>The training designs are not loaded: the map between shows decoded designs</source>
        <translation>学習デザインが読み込まれていません。点の間はデコードしたデザインで表示します</translation>
    </message>
    <message>
        <source>Constraint not added: {0}</source>
        <translation>制約を追加できませんでした: {0}</translation>
    </message>
    <message>
        <source>Snap to spec: add a constraint first</source>
        <translation>仕様にスナップ: 先に制約を追加してください</translation>
    </message>
    <message>
        <source>Snapping to {0}…</source>
        <translation>{0} にスナップしています…</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Snap to spec: the design changed meanwhile; snap again</source>
        <translation>仕様にスナップ: 処理中にデザインが変わりました。もう一度スナップしてください</translation>
    </message>
    <message>
        <source>Snap to spec found nothing: {0}</source>
        <translation>仕様にスナップ: 見つかりませんでした（{0}）</translation>
    </message>
    <message>
        <source>Snapped to spec: {0} ({1} s)</source>
        <translation>仕様にスナップしました: {0}（{1} 秒）</translation>
    </message>
    <message>
        <source>the design already meets the constraints</source>
        <translation>デザインはすでに制約を満たしています</translation>
    </message>
    <message>
        <source>moved {0} in latent space to meet the constraints</source>
        <translation>制約を満たすよう潜在空間で {0} 移動しました</translation>
    </message>
    <message>
        <source>none of the {0} designs measured for this model meets the constraints</source>
        <translation>このモデルで計測した {0} 件のデザインはどれも制約を満たしません</translation>
    </message>
    <message>
        <source>no design near those that meet the constraints passed the exact measurement</source>
        <translation>制約を満たすデザインの近くに、厳密な計測でも制約を満たすデザインはありませんでした</translation>
    </message>
    <message>
        <source>Drawing {0} surprises that meet the constraints…</source>
        <translation>制約を満たすサプライズを {0} 件生成しています…</translation>
    </message>
    <message>
        <source>Pinned {0} surprises that meet the constraints; {1} could not be found in {2} draws (try wider ranges or a higher temperature)</source>
        <translation>制約を満たすサプライズ {0} 件をピン留めしました。{2} 回の試行で残り {1} 件は見つかりませんでした（範囲を広げるか温度を上げてください）</translation>
    </message>
</context>
<context>
    <name>ToolTabs</name>
    <message>
        <source>Explore</source>
        <translation>探索</translation>
    </message>
    <message>
        <source>Directions</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>補完</translation>
    </message>
</context>
<context>
    <name>TrainSettingsForm</name>
    <message>
        <source>Side of the grid each design is resampled to (pixels, or voxels for meshes). Higher shows more detail and trains slower. Changing it reloads the designs (fast when cached).</source>
        <translation>各デザインをリサンプリングするグリッドの一辺（ピクセル数。メッシュではボクセル数）。大きいほど細部まで表せますが、学習は遅くなります。変更するとデザインを読み込み直します（キャッシュがあれば高速）。</translation>
    </message>
    <message>
        <source>Size of the latent code. Small codes generalise and interpolate more smoothly; large ones reconstruct more detail. 16–64 suits most sets.</source>
        <translation>潜在コードのサイズ。小さいと汎化しやすく補間もなめらかに、大きいと細部まで再構成できます。たいていのデータには 16〜64 が適しています。</translation>
    </message>
    <message>
        <source>Weight of the KL term (β-VAE). Above 1: a smoother, more regular latent map and blurrier reconstructions; below 1: sharper reconstructions, a less regular map.</source>
        <translation>KL 項の重み（β-VAE）。1 より大きいと潜在マップはなめらかで規則的になり、再構成はぼやけます。1 より小さいと再構成はシャープになり、マップの規則性は下がります。</translation>
    </message>
    <message>
        <source>Passes over the training designs. When continuing a project this is the total, including the epochs already trained.</source>
        <translation>学習用デザインを何周するか。プロジェクトの続きを学習させる場合は、学習済みのエポックを含めた合計です。</translation>
    </message>
    <message>
        <source>Designs per optimisation step. Larger batches are faster per design on a GPU and need more memory.</source>
        <translation>1 回の最適化ステップで使うデザインの数。大きいほど GPU ではデザインあたりの処理が速くなりますが、メモリを多く使います。</translation>
    </message>
    <message>
        <source>Learning rate of the Adam optimiser. Lower it if the curves jump about or the loss becomes NaN.</source>
        <translation>Adam オプティマイザーの学習率。曲線が大きく跳ねたり、損失が NaN になったりする場合は下げてください。</translation>
    </message>
    <message>
        <source>Random seed for the train/validation split, the initial weights and the order of designs: the same seed and settings give the same model.</source>
        <translation>学習用と検証用の分割、重みの初期値、デザインの順序を決める乱数シード。シードと設定が同じなら同じモデルになります。</translation>
    </message>
    <message>
        <source>Where to train: auto picks a GPU (CUDA or Apple MPS) when there is one, else the CPU.</source>
        <translation>学習に使うデバイス。auto は GPU（CUDA または Apple MPS）があればそれを、なければ CPU を使います。</translation>
    </message>
    <message>
        <source>Continue the saved model</source>
        <translation>保存したモデルの続きを学習</translation>
    </message>
    <message>
        <source>Train the open project further (same resolution and latent size). Untick to train a new model from scratch.</source>
        <translation>開いているプロジェクトの続きを学習させます（解像度と潜在サイズは変わりません）。新しいモデルを一から学習させるには、チェックを外します。</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>解像度</translation>
    </message>
    <message>
        <source>Latent size</source>
        <translation>潜在サイズ</translation>
    </message>
    <message>
        <source>β (KL weight)</source>
        <translation>β（KL の重み）</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>エポック数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <source>Not saved yet: once training starts, the best model is saved automatically as it improves.</source>
        <translation>まだ保存されていません。学習を始めると、モデルが良くなるたびに自動で保存されます。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>学習を開始</translation>
    </message>
    <message>
        <source>Start training with these settings (F5)</source>
        <translation>この設定で学習を開始します (F5)</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <source>Pause or resume training (Ctrl+P)</source>
        <translation>学習を一時停止または再開します (Ctrl+P)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training; the best model so far is kept and saved (Shift+F5)</source>
        <translation>学習を停止します。ここまでで最良のモデルを残して保存します (Shift+F5)</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>プロジェクト</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Ready to train</source>
        <translation>学習の準備ができました</translation>
    </message>
    <message>
        <source>epochs done</source>
        <translation>完了エポック</translation>
    </message>
    <message>
        <source>Epochs completed, of the total</source>
        <translation>完了したエポック数／総数</translation>
    </message>
    <message>
        <source>designs / s</source>
        <translation>デザイン／秒</translation>
    </message>
    <message>
        <source>Training throughput: designs processed per second</source>
        <translation>学習のスループット：1 秒あたりに処理するデザイン数</translation>
    </message>
    <message>
        <source>remaining</source>
        <translation>残り時間</translation>
    </message>
    <message>
        <source>Estimated time until the last epoch ends</source>
        <translation>最後のエポックが終わるまでの推定時間</translation>
    </message>
    <message>
        <source>best validation loss</source>
        <translation>最良の検証損失</translation>
    </message>
    <message>
        <source>Lowest validation loss so far (nats per design) and its epoch: that model is the one kept</source>
        <translation>これまでで最も低い検証損失（デザインあたりの nat）とそのエポック。このモデルが残されます</translation>
    </message>
    <message>
        <source>Loss curves</source>
        <translation>損失曲線</translation>
    </message>
    <message>
        <source>Originals (top) and their reconstructions (bottom)</source>
        <translation>元のデザイン（上）とその再構成（下）</translation>
    </message>
    <message>
        <source>Reconstructions</source>
        <translation>再構成</translation>
    </message>
    <message>
        <source>Training — {0}</source>
        <translation>学習 — {0}</translation>
    </message>
    <message>
        <source>Continue training to go on from there.</source>
        <translation>「続きを学習」でそこから再開できます。</translation>
    </message>
    <message>
        <source>The designs of this project are not available</source>
        <translation>このプロジェクトのデザインは利用できません</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>続きを学習</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <source>Paused — {0}</source>
        <translation>一時停止中 — {0}</translation>
    </message>
    <message>
        <source>Stopping — keeping the best model…</source>
        <translation>停止中 — 最良のモデルを残しています…</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未開始</translation>
    </message>
    <message>
        <source>epoch {0} of {1}</source>
        <translation>エポック {0} / {1}</translation>
    </message>
    <message>
        <source>Epoch {0} of {1} · step {2} of {3}</source>
        <translation>エポック {0} / {1} · ステップ {2} / {3}</translation>
    </message>
    <message>
        <source>Training — epoch {0} of {1}</source>
        <translation>学習中 — エポック {0} / {1}</translation>
    </message>
    <message>
        <source>Epoch {0} of {1} done</source>
        <translation>エポック {0} / {1} 完了</translation>
    </message>
    <message>
        <source>Epoch {0} of {1}</source>
        <translation>エポック {0} / {1}</translation>
    </message>
    <message>
        <source>Finished — {0} epochs</source>
        <translation>完了 — {0} エポック</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Finished early at epoch {0} of {1}: no better since epoch {2}, whose model is kept</source>
        <translation>早めに完了（{1} 中 {0} エポック）：エポック {2} 以降改善がなく、そのモデルを残しました</translation>
    </message>
    <message>
        <source>Stopped after epoch {0} — the best model is kept</source>
        <translation>エポック {0} で停止 — 最良のモデルを残しました</translation>
    </message>
    <message>
        <source>Stopped at epoch {0} of {1}</source>
        <translation>エポック {0} / {1} で停止</translation>
    </message>
    <message>
        <source>{0}  (epoch {1})</source>
        <translation>{0}（エポック {1}）</translation>
    </message>
    <message>
        <source>Originals (top) and their reconstructions (bottom) — {0}</source>
        <translation>元のデザイン（上）とその再構成（下） — {0}</translation>
    </message>
    <message>
        <source>Saved automatically at epoch {0} (the best so far). Choose a place with File ▸ Save Project As…</source>
        <translation>エポック {0}（これまでで最良）で自動保存しました。保存場所は［ファイル］▸［名前を付けてプロジェクトを保存］で選べます。</translation>
    </message>
    <message>
        <source>Best model (epoch {0}) saved.</source>
        <translation>最良のモデル（エポック {0}）を保存しました。</translation>
    </message>
    <message>
        <source>{0} epochs trained</source>
        <translation>{0} エポック学習済み</translation>
    </message>
    <message>
        <source>Saved project — {0} epochs trained</source>
        <translation>保存済みプロジェクト — {0} エポック学習済み</translation>
    </message>
</context>
<context>
    <name>TrainingSession</name>
    <message>
        <source>Reconstructions failed: {0}</source>
        <translation>再構成に失敗しました：{0}</translation>
    </message>
    <message>
        <source>saved best model (epoch {0})</source>
        <translation>保存済みの最良モデル（エポック {0}）</translation>
    </message>
    <message>
        <source>Starting training…</source>
        <translation>学習を開始しています…</translation>
    </message>
    <message>
        <source>Training paused</source>
        <translation>学習を一時停止しました</translation>
    </message>
    <message>
        <source>Training resumed</source>
        <translation>学習を再開しました</translation>
    </message>
    <message>
        <source>Stopping: keeping the best model so far…</source>
        <translation>停止中：ここまでで最良のモデルを残しています…</translation>
    </message>
    <message>
        <source>after epoch {0}</source>
        <translation>エポック {0} の後</translation>
    </message>
    <message>
        <source>during epoch {0}</source>
        <translation>エポック {0} の途中</translation>
    </message>
    <message>
        <source>best model (epoch {0})</source>
        <translation>最良のモデル（エポック {0}）</translation>
    </message>
    <message>
        <source>epoch {0}</source>
        <translation>エポック {0}</translation>
    </message>
    <message>
        <source>Training finished</source>
        <translation>学習が完了しました</translation>
    </message>
    <message>
        <source>Training stopped</source>
        <translation>学習を停止しました</translation>
    </message>
    <message>
        <source>Saved the best model (epoch {0}) to {1}</source>
        <translation>最良のモデル（エポック {0}）を {1} に保存しました</translation>
    </message>
    <message>
        <source>The loss became NaN</source>
        <translation>損失が NaN になりました</translation>
    </message>
    <message>
        <source>The loss became NaN: {0}</source>
        <translation>損失が NaN になりました：{0}</translation>
    </message>
    <message>
        <source>Training did not finish: this is the autosave of epoch {0} (best model: epoch {1}) from {2}.</source>
        <translation>学習は完了していません。これはエポック {0} の自動保存です（最良のモデル：エポック {1}、{2} に保存）。</translation>
    </message>
    <message>
        <source>Training did not finish: this is the autosave of epoch {0} (best model: epoch {1}).</source>
        <translation>学習は完了していません。これはエポック {0} の自動保存です（最良のモデル：エポック {1}）。</translation>
    </message>
    <message>
        <source>This model has already trained {0} epochs: set Epochs above {0} to continue it</source>
        <translation>このモデルは既に {0} エポック学習済みです。続きを学習させるには、エポック数を {0} より大きくしてください</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Reading the project</source>
        <translation>プロジェクトを読み込んでいます</translation>
    </message>
    <message>
        <source>The design folder this project was trained on ({0}) is not available, so its designs cannot be shown or trained further.</source>
        <translation>このプロジェクトの学習に使ったデザインフォルダー（{0}）が見つからないため、デザインの表示や続きの学習はできません。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>The project&apos;s design folder no longer loads: {0}</source>
        <translation>プロジェクトのデザインフォルダーを読み込めなくなりました：{0}</translation>
    </message>
    <message>
        <source>The design folder changed since this project was trained (files added, removed or renamed): training again starts a new model.</source>
        <translation>このプロジェクトの学習後にデザインフォルダーが変わりました（ファイルの追加・削除・名前の変更）。もう一度学習させると新しいモデルになります。</translation>
    </message>
</context>
<context>
    <name>_LoadingPanel</name>
    <message>
        <source>Loading designs…</source>
        <translation>デザインを読み込み中…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop loading (Esc); files processed so far stay cached</source>
        <translation>読み込みを中止します (Esc)。処理済みのファイルはキャッシュに残ります</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>{0} を読み込み中…</translation>
    </message>
    <message>
        <source>Looking for design files</source>
        <translation>デザインファイルを検索中</translation>
    </message>
</context>
</TS>
